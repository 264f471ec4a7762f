import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { allocateGrantNumber, applyGrantEvent } from '../../db/queries/grants.js';
import type { StoredGrantEvent } from '../../domain/child-events.js';
import type { Redactor } from '../../domain/redact.js';

export type GrantEventInput = StoredGrantEvent;

export function createGrantPersistenceActivities({ db, redactor }: { db: Database; redactor: Redactor }) {
  return {
    /** `GR-N` exactly once per request key: a retried activity or a replayed request gets the same key. */
    async allocateGrantKey(input: { requestKey: string }): Promise<{ grant: string; created: boolean }> {
      return allocateGrantNumber(db, input.requestKey);
    },

    /** One grant transition: row, incident timeline and audit entry in one transaction, once per key. */
    async recordGrantEvent(event: GrantEventInput): Promise<{ applied: boolean }> {
      if (!/^GR-\d+:\d+$/.test(event.idempotencyKey) || !event.idempotencyKey.startsWith(`${event.grant}:`)) {
        throw ApplicationFailure.create({ type: 'InvalidGrantEvent', message: `Idempotency key ${event.idempotencyKey} does not belong to ${event.grant}.`, nonRetryable: true });
      }
      // Free text is stored redacted: the timeline and audit log are shown in Slack, GitHub and the dashboard.
      const scoped = redactor.forIncident(event.incident);
      const redacted: GrantEventInput = {
        ...event,
        text: scoped.redact(event.text),
        details: scoped.redactDeep(event.details),
        ...(event.created ? { created: { ...event.created, reason: scoped.redact(event.created.reason) } } : {}),
        changes: event.changes.endReason === undefined ? event.changes : { ...event.changes, endReason: scoped.redact(event.changes.endReason) },
      };
      return { applied: await applyGrantEvent(db, redacted) };
    },
  };
}
