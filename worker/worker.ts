import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { WorkerTuning } from '../platform/config/index.js';

/** The workflows' entry beside this file: `.ts` through tsx, the compiled `.js` in dist/ (the bundler resolves `.js` imports to `.ts`). */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface FirebreakWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  shutdownForceTime?: WorkerOptions['shutdownForceTime'];
  /** Cache, task slots and pollers (FIREBREAK_MAX_… settings, platform/config/worker.ts); the SDK's defaults where unset. */
  tuning?: Omit<WorkerTuning, 'databasePoolSize'>;
  /** Activity slots of this worker, over the tuning's (tests use a few). */
  maxConcurrentActivityTaskExecutions?: number;
  /** Tracing (worker/tracing.ts): activity interceptors, and workflow modules when bundling from source. */
  interceptors?: WorkerOptions['interceptors'];
  /** Tracing: the sink workflow spans are exported through. */
  sinks?: WorkerOptions['sinks'];
  /** The payload codec (platform/codec.ts firebreakDataConverter); clients must use the same keys. */
  dataConverter?: DataConverter;
}

export async function createFirebreakWorker(options: FirebreakWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Activities never wait for a sink (activities/shared/pacing.ts) and every Slack and GitHub request has
    // a timeout (GitHub's also end on cancellation), so the grace time is enough to finish them.
    // The force time bounds a shutdown anyway: an activity that ignores cancellation must not keep
    // a process that was told to stop alive (run() then rejects and the process exits).
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    shutdownForceTime: options.shutdownForceTime ?? '1m',
    ...(options.tuning && {
      maxCachedWorkflows: options.tuning.maxCachedWorkflows,
      maxConcurrentWorkflowTaskExecutions: options.tuning.maxConcurrentWorkflowTasks,
      maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivities,
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: options.tuning.workflowTaskPollers },
      activityTaskPollerBehavior: { type: 'simple-maximum', maximum: options.tuning.activityTaskPollers },
    }),
    ...(options.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions } : {}),
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
    ...(options.sinks ? { sinks: options.sinks } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
