import type { ChildEventFields } from '../../domain/child-events.js';
import { appendAudit } from '../audit.js';
import type { Database, Transaction } from '../client.js';
import { processedRequests, timelineEvents } from '../schema/index.js';

/** What every transition of an incident's child (grant, sandbox, postmortem) records beside its own row. */
export interface ChildEvent extends ChildEventFields {
  /** The child's key, e.g. `GR-7`, `SBX-3`; the audit subject. */
  subject: string;
  /** Name of the child in timeline details: `grant`, `sandbox`. */
  subjectField: string;
  /** Extra audit details (the changed columns worth keeping on record). */
  auditChanges: Record<string, unknown>;
}

/**
 * One transition of a child: its own row (written by `writeRow`), a timeline row on the incident
 * and an audit entry, committed together exactly once per idempotency key. Returns false for a
 * retry of an event already applied.
 */
export async function applyChildEvent(db: Database, event: ChildEvent, writeRow: (tx: Transaction, at: Date) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(processedRequests)
      .values({ key: `event:${event.idempotencyKey}`, kind: event.action })
      .onConflictDoNothing()
      .returning({ key: processedRequests.key });
    if (claimed.length === 0) return false;
    const at = new Date(event.at);
    await writeRow(tx, at);
    await tx.insert(timelineEvents).values({
      incidentKey: event.incident,
      occurredAt: at,
      kind: 'child',
      actor: event.actor,
      text: event.text,
      details: { [event.subjectField]: event.subject, action: event.action, ...event.details },
      idempotencyKey: event.idempotencyKey,
    });
    await appendAudit(tx, {
      at,
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      details: { incident: event.incident, text: event.text, ...event.details, ...event.auditChanges },
      idempotencyKey: event.idempotencyKey,
    });
    return true;
  });
}
