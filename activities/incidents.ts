import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { incidentKey, incidentWorkflowId } from '../domain/ids.js';
import { IncidentNumbersTaken } from '../db/queries/numbers.js';
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

/** Whether `incident:INC-N` exists in the worker's namespace, asked with the activity's client. */
function workflowExists(): ((number: number) => Promise<boolean>) | undefined {
  let context: Context;
  let client: Client;
  try {
    context = Context.current();
    client = context.client;
  } catch {
    // Called outside a worker (a unit test): nothing to ask.
    return undefined;
  }
  return async (number) => {
    const workflowId = incidentWorkflowId(incidentKey(number));
    try {
      await client.workflow.getHandle(workflowId).describe();
      // Operators need to hear about this: the database is behind the namespace (README recovery).
      context.log.warn(`${workflowId} already exists in the Temporal namespace but not in this database; passing over ${incidentKey(number)}`);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
}

/**
 * Failures a retry cannot fix, made non-retryable so the declaration fails at once with a sentence
 * instead of retrying for minutes: text Postgres cannot store (the front-ends clean it first; this
 * is the backstop) and a namespace far ahead of the database.
 */
function asDeclarationFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof IncidentNumbersTaken) return ApplicationFailure.create({ type: 'IncidentNumbersTaken', message: err.message, nonRetryable: true });
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
  // 22021 character_not_in_repertoire, 22P05 untranslatable_character (NUL in text or jsonb).
  if (code === '22021' || code === '22P05') {
    return ApplicationFailure.create({ type: 'InvalidDeclaration', message: 'The declaration holds characters that cannot be stored; remove control characters from its title and description.', nonRetryable: true });
  }
  return undefined;
}

export function createIncidentActivities({ db, redactor }: IncidentActivityDeps) {
  return {
    /**
     * Idempotent by `idempotencyKey`: a retry or a second declaration returns the same INC-N. A
     * number whose `incident:INC-N` workflow already exists in the namespace is passed over.
     */
    async allocateIncident(input: AllocateIncidentInput): Promise<{ key: string; created: boolean }> {
      try {
        // Free text is stored redacted: it is shown in Slack, GitHub, postmortems and the dashboard.
        return await allocate(db, { ...input, declaredAt: new Date(input.declaredAt) }, (key, text) => redactor.forIncident(key).redact(text), workflowExists());
      } catch (err) {
        throw asDeclarationFailure(err) ?? err;
      }
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
