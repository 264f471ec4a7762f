// A Firebreak worker in a process of its own for the automation-rule kill scenario: real activities
// on the run's Postgres database, the paging integration pointed at the PagerDuty stand-in and the
// rules' Slack steps at the Slack stand-in (both in the test's process), and the fixture policy
// with the rules in RULES_YAML. STALL_AFTER=<activity> stops the process dead right after that
// activity's first successful run (before Temporal hears of it) and says so on stdout.

import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createPagerDuty } from '../../activities/pagerduty/integration.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { createSlackRuleActivities } from '../../activities/slack/rule-steps.js';
import { connectDatabase } from '../../db/client.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { readPagerDuty } from '../../platform/config/index.js';
import { createLogger } from '../../platform/logger.js';
import { installTemporalRuntime } from '../../worker/temporal-logger.js';
import { createFirebreakWorker } from '../../worker/worker.js';
import { testDataConverter } from '../helpers/encryption.js';

const env = (name: string) => process.env[name] ?? '';
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const policy = parsePolicy(`${readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8')}\n${env('RULES_YAML')}`, 'test/fixtures/policy.yaml');
const database = connectDatabase(env('DATABASE_URL'));
const logger = createLogger({ level: 'silent' });
const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
const pagerDuty = createPagerDuty({ db: database.db, policy: () => policy, redactor, logger, config: readPagerDuty(process.env) });
const slackApi = createSlackApi(createSlackWebClient({ token: env('SLACK_BOT_TOKEN'), apiUrl: env('SLACK_API_URL') }));
const activities = {
  ...createActivities({ db: database.db, policy: () => policy, redactor, logger, notifiers: [pagerDuty.notifier] }),
  ...pagerDuty.activities,
  ...createSlackRuleActivities({ api: slackApi, db: database.db, policy: () => policy, logger }),
};

const stallAfter = env('STALL_AFTER');
if (stallAfter) {
  const table = activities as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const real = table[stallAfter]!;
  let stalled = false;
  table[stallAfter] = async (...args: unknown[]) => {
    const result = await real(...args);
    if (!stalled) {
      stalled = true;
      say({ stalled: stallAfter });
      // Blocks the whole process, as a hung or dying host would: no completion, no heartbeat.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300_000);
    }
    return result;
  };
}

installTemporalRuntime(createLogger({ level: process.env.LOG_LEVEL ?? 'error' }));
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createFirebreakWorker({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TASK_QUEUE'),
  activities,
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
  shutdownGraceTime: '2s',
  dataConverter: testDataConverter,
});
say({ running: true });
await worker.run();
