// Idempotency inside one notice and the record of what Slack refused. A notice is retried as a
// whole (after a 429, say), so every visible step remembers that it happened.

import { SYSTEM_ACTOR } from '../../domain/incident.js';
import type { Database } from '../../db/client.js';
import { timelineEvents } from '../../db/schema/index.js';
import { once as onceAcrossRetries } from '../shared/once.js';

export function createSteps(db: Database) {
  /** Runs `work` unless a step with this key already finished; a retry skips what got through. */
  async function once(key: string, work: () => Promise<unknown>): Promise<void> {
    await onceAcrossRetries(db, { key, kind: 'slack.step' }, async () => {
      await work();
    });
  }

  /**
   * A Slack failure no retry can fix (the channel is gone or archived) becomes one timeline row,
   * so people see why Slack went quiet while the incident carries on.
   */
  async function recordProblem(incident: string, problem: { key: string; text: string; details: Record<string, unknown> }): Promise<void> {
    await db
      .insert(timelineEvents)
      .values({
        incidentKey: incident,
        occurredAt: new Date(),
        kind: 'note',
        actor: SYSTEM_ACTOR,
        text: problem.text,
        details: { integration: 'slack', ...problem.details },
        idempotencyKey: `${incident}:slack:${problem.key}`,
      })
      .onConflictDoNothing();
  }

  return { once, recordProblem };
}

export type Steps = ReturnType<typeof createSteps>;
