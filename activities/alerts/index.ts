// What the alert-group workflow needs outside itself: the open incident a new group may attach to
// (read from the database), a note on that incident's timeline, and the mitigation a route with
// autoMitigate makes, each sent as the incident's own update (addNote, markMitigated) so the
// incident decides, records, audits and announces it like any other.

import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { and, arrayContains, count, desc, eq, gte, inArray } from 'drizzle-orm';
import { incidentWorkflowId } from '../../domain/ids.js';
import { SYSTEM_ACTOR, type Phase } from '../../domain/incident.js';
import type { Redactor } from '../../domain/redact.js';
import type { Database } from '../../db/client.js';
import { incidents } from '../../db/schema/index.js';
import type {
  AlertMitigationInput,
  AlertMitigationResult,
  AlertNoteInput,
  AlertNoteResult,
  OpenIncidentAnswer,
  OpenIncidentQuery,
} from '../../workflows/alert-group/messages.js';
import { addNoteUpdate, markMitigatedUpdate, type AlertGroupNoteEvent, type IncidentView } from '../../workflows/incident/messages.js';

/** An incident in these phases still takes notes and is worth attaching a new alert group to. */
const OPEN_PHASES: Phase[] = ['declared', 'triage', 'mitigating', 'monitoring'];

export function createAlertActivities({ db, redactor }: { db: Database; redactor: Redactor }) {
  return {
    async findOpenIncidentForService(query: OpenIncidentQuery): Promise<OpenIncidentAnswer> {
      const since = new Date(Date.now() - query.withinSeconds * 1000);
      const ofService = arrayContains(incidents.services, [query.service]);
      const [row] = await db
        .select({ key: incidents.key })
        .from(incidents)
        .where(and(ofService, inArray(incidents.phase, OPEN_PHASES), gte(incidents.declaredAt, since)))
        .orderBy(desc(incidents.declaredAt))
        .limit(1);
      const [counted] = await db.select({ n: count() }).from(incidents).where(and(ofService, eq(incidents.source, 'alerts')));
      return { ...(row ? { incident: row.key } : {}), alertDeclarations: counted?.n ?? 0 };
    },

    async addAlertNote(input: AlertNoteInput): Promise<AlertNoteResult> {
      // Labels and annotations carry whatever rule authors put there; they leave redacted.
      const scoped = redactor.forIncident(input.incident);
      const text = scoped.redact(input.text);
      const redactedLabels = (g: AlertGroupNoteEvent): AlertGroupNoteEvent => ({ ...g, labels: scoped.redactDeep(g.labels) });
      const refusal = await runIncidentUpdate(input.incident, (handle) => handle.executeUpdate(addNoteUpdate, { args: [{ actor: SYSTEM_ACTOR, text, ...(input.alertGroup ? { alertGroup: redactedLabels(input.alertGroup) } : {}) }], updateId: input.updateId }));
      // A resolved or closed incident refuses notes; the group goes on without them.
      return refusal === undefined ? { written: true } : { written: false, reason: refusal };
    },

    async markMitigatedFromAlerts(input: AlertMitigationInput): Promise<AlertMitigationResult> {
      const text = redactor.forIncident(input.incident).redact(input.text);
      const refusal = await runIncidentUpdate(input.incident, (handle) =>
        handle.executeUpdate(markMitigatedUpdate, { args: [{ actor: SYSTEM_ACTOR, text }], updateId: input.updateId }),
      );
      // Already monitoring, or resolved: the incident says why, and the group falls back to its note.
      return refusal === undefined ? { mitigated: true } : { mitigated: false, reason: refusal };
    },
  };
}

/** Runs one update of the incident; undefined when it was accepted, else the incident's refusal. */
async function runIncidentUpdate(incident: string, update: (handle: WorkflowHandle) => Promise<IncidentView>): Promise<string | undefined> {
  const { client, cancellationSignal } = Context.current();
  const handle = client.workflow.getHandle(incidentWorkflowId(incident));
  try {
    // The update waits on the incident's worker, which may be this one shutting down (it polls
    // no workflow tasks then): give up when the activity is cancelled, instead of holding the
    // worker past its grace time. The update ID makes the retry safe.
    await untilCancelled(cancellationSignal, update(handle));
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) return String(err.cause ?? err.message);
    throw err;
  }
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;

/** `work`, or a rejection the moment the activity is cancelled; `work` is left to settle unobserved. */
function untilCancelled<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
