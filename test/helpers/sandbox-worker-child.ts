// A Firebreak worker in its own process for the kill test: it serves one task queue with the real
// workflow bundle and sandbox activities. Its first provisioning attempt stops dead in the middle
// of STALL_AT's copy (transactions open, rows in flight) and says so on stdout, so the test can
// SIGKILL the process at a known point instead of racing the copy.

import { Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { cloneSandbox } from '../../activities/sandbox/clone.js';
import { createSandboxActivities } from '../../activities/sandbox/index.js';
import type { ProvisionInput } from '../../workflows/sandbox/messages.js';
import { connectDatabase } from '../../db/client.js';
import { createRedactor } from '../../domain/redact.js';
import { fixtureRules } from '../fixtures/sandbox/rules.js';
import { testDataConverter } from './encryption.js';
import { sandboxPolicy } from './sandbox-clusters.js';

const env = (name: string) => process.env[name] ?? '';
const policy = sandboxPolicy();
const database = connectDatabase(env('DATABASE_URL'));
const settings = { adminUrl: env('SANDBOX_ADMIN_URL'), secret: env('SECRET'), env: { SBX_TEST_SOURCE_URL: env('SOURCE_URL') } };
const activities = createSandboxActivities({ db: database.db, policy: () => policy, redactor: createRedactor(), notifiers: [], settings });

async function stallingProvision(input: ProvisionInput) {
  const ctx = Context.current();
  return cloneSandbox({
    sandboxId: input.sandbox,
    sourceUrl: env('SOURCE_URL'),
    sandboxAdminUrl: settings.adminUrl,
    seed: input.seed,
    secret: settings.secret,
    rules: fixtureRules(),
    redactor: createRedactor(),
    onProgress: (p) => {
      ctx.heartbeat(p);
      if (p.table !== env('STALL_AT') || p.rows === 0) return;
      process.stdout.write(`${JSON.stringify({ stalled: p })}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    },
  });
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
// Only the sandbox activities: this worker serves nothing but the sandbox workflow's queue.
const worker = await Worker.create({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TASK_QUEUE'),
  activities: { ...activities, provisionSandbox: stallingProvision },
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
  dataConverter: testDataConverter,
});
process.stdout.write(`${JSON.stringify({ running: true })}\n`);
await worker.run();
