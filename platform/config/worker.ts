// How much one worker process takes on at once: the workflows it keeps in memory, the workflow and
// activity tasks it runs concurrently, and its Postgres connections. The defaults are sized from
// bench:incidents (bench/README.md) on a 2-core machine; see each one below for why.

import { fail, read, type Env } from './parse.js';

export interface WorkerTuning {
  /** Incident (and other) workflows kept in memory between tasks; the rest replay their history when next woken. */
  maxCachedWorkflows: number;
  /** Workflow tasks run at the same moment (never more than the cache holds). */
  maxConcurrentWorkflowTasks: number;
  /** Activities run at the same moment. */
  maxConcurrentActivities: number;
  /** Long polls kept open for workflow tasks and for activity tasks. */
  workflowTaskPollers: number;
  activityTaskPollers: number;
  /** Postgres connections of the process (the worker's activities and the front-ends share them). */
  databasePoolSize: number;
}

/**
 * Each workflow kept in memory costs about 1–2.5 MB of RSS (its own V8 context globals, its
 * state and the SDK's bookkeeping); the SDK's own default scales with the heap limit (≈ 2,300 on
 * a 4 GB heap), which let bench:incidents reach 3.3 GB. 250 cached workflows keep a worker under
 * 1 GB while still holding every incident that is busy at 100 in flight (each also has a short
 * declare workflow); an incident that is evicted simply replays its history at its next task.
 * Workflow tasks are CPU-bound on one JS thread, so more than a few dozen at once only queue;
 * activities mostly wait on Postgres and Temporal, so 100 at once is cheap, and the pool is sized
 * so that they do not queue for a connection behind one another.
 */
export const WORKER_TUNING_DEFAULTS: WorkerTuning = {
  maxCachedWorkflows: 250,
  maxConcurrentWorkflowTasks: 40,
  maxConcurrentActivities: 100,
  workflowTaskPollers: 10,
  activityTaskPollers: 10,
  databasePoolSize: 20,
};

/** A whole number within [min, max], or the default when unset; anything else names the variable. */
export function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value)) fail(name, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) fail(name, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

export function readWorkerTuning(env: Env): WorkerTuning {
  const d = WORKER_TUNING_DEFAULTS;
  // The SDK refuses a cache of 1 and treats 0 as "no cache", which replays every history on every task.
  const maxCachedWorkflows = readInteger(env, 'FIREBREAK_MAX_CACHED_WORKFLOWS', d.maxCachedWorkflows, 2, 100_000);
  const maxConcurrentWorkflowTasks = readInteger(env, 'FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS', Math.min(d.maxConcurrentWorkflowTasks, maxCachedWorkflows), 2, 10_000);
  // A workflow task runs on a cached workflow; the SDK would quietly lower this, so say it instead.
  if (maxConcurrentWorkflowTasks > maxCachedWorkflows) {
    fail('FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS', `${maxConcurrentWorkflowTasks} is more than FIREBREAK_MAX_CACHED_WORKFLOWS (${maxCachedWorkflows}); a workflow task needs a cached workflow`);
  }
  const maxConcurrentActivities = readInteger(env, 'FIREBREAK_MAX_CONCURRENT_ACTIVITIES', d.maxConcurrentActivities, 1, 10_000);
  const workflowTaskPollers = readInteger(env, 'FIREBREAK_WORKFLOW_TASK_POLLERS', Math.min(d.workflowTaskPollers, maxConcurrentWorkflowTasks), 1, 100);
  const activityTaskPollers = readInteger(env, 'FIREBREAK_ACTIVITY_TASK_POLLERS', Math.min(d.activityTaskPollers, maxConcurrentActivities), 1, 100);
  const databasePoolSize = readInteger(env, 'DATABASE_POOL_SIZE', d.databasePoolSize, 1, 1_000);
  return { maxCachedWorkflows, maxConcurrentWorkflowTasks, maxConcurrentActivities, workflowTaskPollers, activityTaskPollers, databasePoolSize };
}
