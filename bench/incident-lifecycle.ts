// The incident both throughput benches run (bench:incidents on the dev server, bench:cluster on the
// Temporal server on Postgres): declare → role commander → mitigated → resolve, through the same
// client calls the front-ends make (bots/workflow-client.ts), many at once.

import { performance } from 'node:perf_hooks';
import { declareIncident, runIncidentUpdate, type TemporalContext } from '../bots/workflow-client.js';
import type { Actor } from '../domain/incident.js';
import * as msg from '../workflows/incident/messages.js';

export const LIFECYCLE_STEPS = 'declare → role commander → mitigated → resolve';

const commander: Actor = { source: 'slack', id: 'U03NORA001', name: 'nora' };

/** One SEV4 incident from declaration to resolved; resolves with its duration in ms. */
export async function runIncidentLifecycle(ctx: TemporalContext, runId: string, n: number): Promise<number> {
  const began = performance.now();
  const reporter: Actor = { source: 'cli', id: `bench-${n % 50}`, name: `bench-${n % 50}` };
  const { key } = await declareIncident(ctx, { idempotencyKey: `bench:${runId}:${n}`, title: `Bench incident ${n}`, severity: 'SEV4', services: [], source: 'cli', reporter });
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: commander, role: 'commander', person: commander });
  await runIncidentUpdate(ctx, key, msg.markMitigatedUpdate, { actor: commander, text: 'Rolled back.' });
  const view = await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: commander, text: 'Error rate back to normal.' });
  if (view.phase !== 'resolved') throw new Error(`${key} ended ${view.phase}, not resolved`);
  return performance.now() - began;
}

export interface LifecycleRun {
  /** Durations of the incidents that resolved, in completion order. */
  durations: number[];
  errors: string[];
}

/**
 * `count` incidents with at most `concurrency` in flight; `progress` is called every 10 s with the
 * number finished so far (resolved or failed).
 */
export async function runIncidentLifecycles(ctx: TemporalContext, runId: string, count: number, concurrency: number, progress: (done: number) => void): Promise<LifecycleRun> {
  const run: LifecycleRun = { durations: [], errors: [] };
  let next = 0;
  const timer = setInterval(() => progress(run.durations.length + run.errors.length), 10_000);
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const n = next++;
          await runIncidentLifecycle(ctx, runId, n).then((ms) => void run.durations.push(ms), (err: unknown) => void run.errors.push(String(err)));
        }
      }),
    );
  } finally {
    clearInterval(timer);
  }
  return run;
}
