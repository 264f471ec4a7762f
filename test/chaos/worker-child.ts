// A complete Firebreak worker in a process of its own, so a chaos test can SIGKILL it: real
// activities on the run's Postgres database, the run's workflow bundle, the test payload key.
// With STALL_AFTER=<activity> the first successful run of that activity stops dead right after its
// side effect (before Temporal hears of it) and says so on stdout: a known point to kill at.
// With SANDBOX_ADMIN_URL it also builds sandboxes from the fixture source (SANDBOX_SOURCE_URL), and
// STALL_IN_COPY=<table> stops the first provisioning attempt dead once that table's copy reports rows.
// RULES_YAML adds automation rules to the fixture policy; PAGERDUTY_EVENTS_URL pages through that
// stand-in and SLACK_API_URL (with SLACK_BOT_TOKEN) runs the rules' Slack steps against that one.

import { readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { createRecordingAccessNotifier } from '../../activities/access/index.js';
import { createUnleashProvider } from '../../activities/flags/index.js';
import { createActivities, type Activities } from '../../activities/index.js';
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
import { sandboxPolicy } from '../helpers/sandbox-clusters.js';

const env = (name: string) => process.env[name] ?? '';
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const sandboxAdminUrl = env('SANDBOX_ADMIN_URL');
// The fixture source's columns are ruled only by the sandbox test policy; other scenarios keep the plain one.
const policy = sandboxAdminUrl
  ? sandboxPolicy()
  : parsePolicy(`${readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8')}\n${env('RULES_YAML')}`, 'test/fixtures/policy.yaml');
const database = connectDatabase(env('DATABASE_URL'));
const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
const logger = createLogger({ level: 'silent' });
const pagerDuty = env('PAGERDUTY_EVENTS_URL') ? createPagerDuty({ db: database.db, policy: () => policy, redactor, logger, config: readPagerDuty(process.env) }) : undefined;
const slackRuleSteps = env('SLACK_API_URL')
  ? createSlackRuleActivities({ api: createSlackApi(createSlackWebClient({ token: env('SLACK_BOT_TOKEN'), apiUrl: env('SLACK_API_URL') })), db: database.db, policy: () => policy, logger })
  : {};
const activities: Activities = createActivities({
  db: database.db,
  policy: () => policy,
  redactor,
  logger,
  ...(pagerDuty ? { notifiers: [pagerDuty.notifier] } : {}),
  accessNotifiers: [createRecordingAccessNotifier('chaos-access')],
  access: env('ACCESS_POSTGRES_URL') ? { postgresUrl: env('ACCESS_POSTGRES_URL') } : undefined,
  flagProviders: env('UNLEASH_URL') ? { unleash: createUnleashProvider({ url: env('UNLEASH_URL'), adminToken: env('UNLEASH_ADMIN_TOKEN') }) } : undefined,
  prometheusUrl: env('PROMETHEUS_URL') || undefined,
  sandbox: sandboxAdminUrl ? { adminUrl: sandboxAdminUrl, secret: env('SANDBOX_SECRET'), env: { SBX_TEST_SOURCE_URL: env('SANDBOX_SOURCE_URL') } } : undefined,
});
// The paging and Slack rule-step activities the rules scenario needs beside the common ones.
Object.assign(activities, pagerDuty?.activities ?? {}, slackRuleSteps);

const stallAfter = env('STALL_AFTER') as keyof Activities | '';
if (stallAfter) {
  const real = activities[stallAfter] as (...args: unknown[]) => Promise<unknown>;
  let stalled = false;
  (activities as Record<string, unknown>)[stallAfter] = async (...args: unknown[]) => {
    const result = await real(...args);
    if (!stalled) {
      stalled = true;
      say({ stalled: stallAfter, args });
      // Blocks the whole process, as a hung or dying host would: no completion, no heartbeat.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300_000);
    }
    return result;
  };
}

const stallInCopy = env('STALL_IN_COPY');
if (stallInCopy) {
  const real = activities.provisionSandbox;
  let stalled = false;
  activities.provisionSandbox = async (input) => {
    // The real activity reports progress only through its heartbeats, so the stall rides on them:
    // the first one from inside the table's copy (rows sent, target transaction still open).
    const ctx = Context.current();
    const beat = ctx.heartbeat;
    Object.defineProperty(ctx, 'heartbeat', {
      value: (details?: unknown) => {
        beat(details);
        const progress = details as { table?: string; rows?: number } | undefined;
        if (stalled || progress?.table !== stallInCopy || !progress.rows) return;
        stalled = true;
        say({ stalled: 'provisionSandbox', progress });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300_000);
      },
    });
    return real(input);
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
