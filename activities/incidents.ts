import { ApplicationFailure } from '@temporalio/common';
import type { Redactor } from '../domain/redact.js';
import type { IncidentEvent } from '../domain/timeline.js';
import type { Database } from '../db/client.js';
import { allocateIncident as allocate, applyIncidentEvent, removePinnedEntry } from '../db/queries/incidents.js';
import type { DeclareIncidentInput } from '../workflows/declare/messages.js';

export interface IncidentActivityDeps {
  db: Database;
  redactor: Redactor;
}

export interface AllocateIncidentInput extends DeclareIncidentInput {
  declaredAt: string;
}

export function createIncidentActivities({ db, redactor }: IncidentActivityDeps) {
  return {
    /** Idempotent by `idempotencyKey`: a retry or a second declaration returns the same INC-N. */
    async allocateIncident(input: AllocateIncidentInput): Promise<{ key: string; created: boolean }> {
      // Free text is stored redacted: it is shown in Slack, GitHub, postmortems and the dashboard.
      return allocate(db, { ...input, declaredAt: new Date(input.declaredAt) }, (key, text) => redactor.forIncident(key).redact(text));
    },

    /**
     * Writes one incident event (columns, timeline row, audit entry) exactly once per idempotency
     * key and returns the text as stored, redacted, for the workflow's own timeline.
     */
    async recordIncidentEvent(event: IncidentEvent): Promise<{ applied: boolean; text: string }> {
      if (!/^INC-\d+:\d+$/.test(event.idempotencyKey) || !event.idempotencyKey.startsWith(`${event.incident}:`)) {
        throw ApplicationFailure.create({
          type: 'InvalidIncidentEvent',
          message: `Idempotency key ${event.idempotencyKey} does not belong to ${event.incident}.`,
          nonRetryable: true,
        });
      }
      const scoped = redactor.forIncident(event.incident);
      const redacted: IncidentEvent = {
        ...event,
        text: scoped.redact(event.text),
        details: event.details === undefined ? undefined : scoped.redactDeep(event.details),
        changes:
          event.changes?.title === undefined && event.changes?.description == null
            ? event.changes
            : {
                ...event.changes,
                title: event.changes.title === undefined ? undefined : scoped.redact(event.changes.title),
                description: event.changes.description == null ? event.changes.description : scoped.redact(event.changes.description),
              },
      };
      const applied = await applyIncidentEvent(db, redacted);
      return { applied, text: redacted.text };
    },

    /** Idempotent: removing an entry that is already gone is fine. */
    async removePinnedEntry(input: { incident: string; ref: string }): Promise<{ removed: number }> {
      return { removed: await removePinnedEntry(db, input.incident, input.ref) };
    },
  };
}
