// A Firebreak worker with the GitHub integration, in its own process, for the test that kills it
// between the webhook's answer and the command's effect. With STALL_TEXT set, writing an incident
// event whose text holds it stops dead before Postgres is touched and says so on stdout, so the
// test can SIGKILL the process at a known point instead of racing the write.

import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { IncidentEvent } from '../../domain/timeline.js';
import { connectDatabase } from '../../db/client.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { parseEnv } from '../../platform/config/index.js';
import { createLogger } from '../../platform/logger.js';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { createFirebreakWorker } from '../../worker/worker.js';
import { testDataConverter } from './encryption.js';

const env = (name: string) => process.env[name] ?? '';
// The policy of test/helpers/github-system.ts (which imports vitest, so it cannot be imported here).
const policy = parsePolicy(readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8'), 'test/fixtures/policy.yaml');
policy.services['hello-world'] = { repo: env('REPO'), owners: ['sre'] };
policy.teams.sre!.members.push({ name: 'codertocat', slack: 'U0CODER', github: 'Codertocat' });

const config = parseEnv({ DATABASE_URL: env('DATABASE_URL'), PUBLIC_URL: env('PUBLIC_URL'), GITHUB_WEBHOOK_SECRET: env('WEBHOOK_SECRET'), GITHUB_API_URL: env('GITHUB_API_URL'), GITHUB_TOKEN: 'ghp_standin_token_0123456789' });
const database = connectDatabase(env('DATABASE_URL'));
const logger = createLogger({ level: 'warn' });
const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
const client = new Client({ connection: await Connection.connect({ address: env('TEMPORAL_ADDRESS') }), namespace: env('TEMPORAL_NAMESPACE'), dataConverter: testDataConverter });
const taskQueue = env('TASK_QUEUE');
const integration = buildGitHubIntegration({ config, policy, db: database.db, client, taskQueue, logger, redactor }, config.github!, { paceWrites: false });
const activities = {
  ...createActivities({ db: database.db, policy: () => policy, redactor, logger, notifiers: integration.notifiers, triageSources: integration.triageSources }),
  ...integration.activities,
};
const stallText = env('STALL_TEXT');
const record = activities.recordIncidentEvent;
activities.recordIncidentEvent = async (event: IncidentEvent) => {
  if (stallText && event.text.includes(stallText)) {
    process.stdout.write(`${JSON.stringify({ stalled: event.idempotencyKey })}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  }
  return record(event);
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const worker = await createFirebreakWorker({
  connection: await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') }),
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue,
  activities,
  workflowBundle: env('WORKFLOW_BUNDLE') ? { codePath: env('WORKFLOW_BUNDLE') } : undefined,
  dataConverter: testDataConverter,
});
process.stdout.write(`${JSON.stringify({ running: true })}\n`);
await worker.run();
