import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';

/** The worker bundles workflow code from source; the bundler resolves `.js` imports to `.ts`. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface FirebreakWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Tracing (worker/tracing.ts): activity interceptors, and workflow modules when bundling from source. */
  interceptors?: WorkerOptions['interceptors'];
  /** Tracing: the sink workflow spans are exported through. */
  sinks?: WorkerOptions['sinks'];
  /** The payload codec (worker/codec.ts firebreakDataConverter); clients must use the same keys. */
  dataConverter?: DataConverter;
}

export async function createFirebreakWorker(options: FirebreakWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
    ...(options.sinks ? { sinks: options.sinks } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
