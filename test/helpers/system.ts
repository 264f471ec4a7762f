// A real Firebreak worker for one test file: real activities on the run's Postgres database, a real
// Temporal worker on a task queue of its own, and a client. Only SaaS edges are ever replaced.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { AccessNotifier } from '../../activities/access/notifier.js';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import type { IncidentNotifier } from '../../activities/notify.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import type { TriageSource } from '../../activities/triage.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { parsePolicy, type Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { OutboundActivities as IntegrationActivities } from '../../activities/outbound.js';
import type { Logger } from '../../platform/logger.js';
import { installTemporalRuntime } from '../../worker/temporal-logger.js';
import { createFirebreakWorker } from '../../worker/worker.js';
import { testDataConverter } from './encryption.js';
import { testLogger } from './test-log.js';

export const TEST_POLICY_PATH = new URL('../fixtures/policy.yaml', import.meta.url);

export function loadTestPolicy(): Policy {
  return parsePolicy(readFileSync(TEST_POLICY_PATH, 'utf8'), 'test/fixtures/policy.yaml');
}

export interface TestSystem {
  client: Client;
  taskQueue: string;
  database: DatabaseHandle;
  policy: Policy;
  notices: IncidentNotice[];
  worker: Worker;
  /** Stops the worker (its activities finish first) and closes connections. */
  stop(): Promise<void>;
}

export async function startTestSystem(
  options: {
    policy?: Policy;
    notifiers?: IncidentNotifier[];
    triageSources?: TriageSource[];
    taskQueue?: string;
    activities?: IntegrationActivities;
    accessNotifiers?: AccessNotifier[];
    access?: ActivityDeps['access'];
    sandboxNotifiers?: ActivityDeps['sandboxNotifiers'];
    postmortemNotifiers?: ActivityDeps['postmortemNotifiers'];
    postmortemPublisher?: ActivityDeps['postmortemPublisher'];
    sandbox?: ActivityDeps['sandbox'];
    flagProviders?: ActivityDeps['flagProviders'];
    prometheusUrl?: string;
    /** Where activities log: the test file's log (test/helpers/test-log.ts) unless a test reads the lines (the leak test). */
    logger?: Logger;
  } = {},
): Promise<TestSystem> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const database = connectDatabase(inject('databaseUrl'));
  const policy = options.policy ?? loadTestPolicy();
  const notices: IncidentNotice[] = [];
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  installTemporalRuntime(testLogger());
  const nativeConnection = await NativeConnection.connect({ address });
  const activities = {
    ...createActivities({
      db: database.db,
      policy: () => policy,
      redactor: createRedactor({ extraPatterns: policy.redaction.patterns }),
      logger: options.logger ?? testLogger(),
      triageSources: options.triageSources,
      notifiers: [{ name: 'test-recorder', notify: async (notice) => void notices.push(notice) }, ...(options.notifiers ?? [])],
      accessNotifiers: options.accessNotifiers,
      access: options.access,
      sandboxNotifiers: options.sandboxNotifiers,
      postmortemNotifiers: options.postmortemNotifiers,
      postmortemPublisher: options.postmortemPublisher,
      sandbox: options.sandbox,
      flagProviders: options.flagProviders,
      prometheusUrl: options.prometheusUrl,
    }),
    ...options.activities,
  };
  const bundle = inject('workflowBundlePath');
  const worker = await createFirebreakWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    activities,
    workflowBundle: bundle ? { codePath: bundle } : undefined,
    shutdownGraceTime: '2s',
    dataConverter: testDataConverter,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: testDataConverter });
  return {
    client,
    taskQueue,
    database,
    policy,
    notices,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await database.close();
    },
  };
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
// A loaded CI machine (two cores, Temporal, Postgres and Unleash at once) may need longer than a
// laptop; waits only get longer when something is slow, passing tests are not slowed down.
export const WAIT_SCALE = Number(process.env.FIREBREAK_TEST_WAIT_SCALE) || (process.env.CI ? 2 : 1);

export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs * WAIT_SCALE;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
