import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { IncidentDeclaration } from '../../domain/incident.js';
import { incidentKey } from '../../domain/ids.js';
import type { IncidentChanges, IncidentEvent } from '../../domain/timeline.js';
import { appendAudit } from '../audit.js';
import type { Database, Transaction } from '../client.js';
import { markIncidentNumberUsed, takeIncidentNumber } from './numbers.js';
import { incidents, processedRequests, timelineEvents, type IncidentRow } from '../schema/index.js';

export interface NewIncident extends IncidentDeclaration {
  idempotencyKey: string;
  declaredAt: Date;
}

export interface AllocatedIncident {
  key: string;
  created: boolean;
}

/**
 * Gives an incident its number exactly once per idempotency key. A concurrent duplicate blocks on
 * the processed_requests primary key until the first commits, then reads the key it produced.
 */
/**
 * `scrub` rewrites free text once the incident's key is known, so the caller can redact it with
 * that incident's tokens; the stored title and description are what it returns.
 */
export async function allocateIncident(
  db: Database,
  input: NewIncident,
  scrub: (key: string, text: string) => string = (_key, text) => text,
  isTaken?: (number: number) => Promise<boolean>,
): Promise<AllocatedIncident> {
  const requestKey = `declare:${input.idempotencyKey}`;
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(processedRequests)
      .values({ key: requestKey, kind: 'declare' })
      .onConflictDoNothing()
      .returning({ key: processedRequests.key });
    if (claimed.length === 0) {
      const [previous] = await tx.select().from(processedRequests).where(eq(processedRequests.key, requestKey));
      return { key: String(previous?.result.incident), created: false };
    }
    // Taken in this transaction, so a declaration that fails gives its number back (numbers.ts).
    const { number } = await takeIncidentNumber(tx, isTaken);
    const key = incidentKey(number);
    const title = scrub(key, input.title);
    await tx.insert(incidents).values({
      key,
      number,
      title,
      description: input.description === undefined ? null : scrub(key, input.description),
      severity: input.severity,
      phase: 'declared',
      services: input.services,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      reporter: input.reporter,
      declaredAt: input.declaredAt,
      private: input.private === true,
    });
    await insertTimelineAndAudit(tx, {
      incident: key,
      idempotencyKey: `${key}:0`,
      at: input.declaredAt.toISOString(),
      kind: 'declared',
      actor: input.reporter,
      text: `Declared ${input.severity}: ${title}`,
      details: { services: input.services, source: input.source, sourceRef: input.sourceRef ?? null, ...(input.private ? { private: true } : {}) },
      auditAction: 'incident.declare',
    });
    await tx.update(processedRequests).set({ result: { incident: key } }).where(eq(processedRequests.key, requestKey));
    await markIncidentNumberUsed(tx, number);
    return { key, created: true };
  });
}

/**
 * Applies one workflow event: column changes, a timeline row and its audit entry in one
 * transaction. Returns false when the idempotency key was already applied (a retried activity).
 */
export async function applyIncidentEvent(db: Database, event: IncidentEvent): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(processedRequests)
      .values({ key: `event:${event.idempotencyKey}`, kind: `incident.${event.kind}` })
      .onConflictDoNothing()
      .returning({ key: processedRequests.key });
    if (claimed.length === 0) return false;
    if (event.changes && Object.keys(event.changes).length > 0) {
      const updated = await tx
        .update(incidents)
        .set({ ...columnChanges(event.changes), updatedAt: new Date(event.at) })
        .where(eq(incidents.key, event.incident))
        .returning({ key: incidents.key });
      if (updated.length === 0) throw new Error(`incident ${event.incident} does not exist`);
    }
    await insertTimelineAndAudit(tx, event);
    return true;
  });
}

async function insertTimelineAndAudit(tx: Transaction, event: IncidentEvent): Promise<void> {
  await tx.insert(timelineEvents).values({
    incidentKey: event.incident,
    occurredAt: new Date(event.at),
    kind: event.kind,
    actor: event.actor,
    text: event.text,
    details: event.details ?? {},
    idempotencyKey: event.idempotencyKey,
  });
  if (event.auditAction) {
    await appendAudit(tx, {
      at: new Date(event.at),
      actor: event.actor,
      action: event.auditAction,
      subject: event.incident,
      details: { text: event.text, ...(event.changes ? { changes: event.changes } : {}), ...(event.details ?? {}) },
      idempotencyKey: event.idempotencyKey,
    });
  }
}

function columnChanges(changes: IncidentChanges): Partial<typeof incidents.$inferInsert> {
  const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
  const set: Partial<typeof incidents.$inferInsert> = {
    title: changes.title,
    description: changes.description,
    severity: changes.severity,
    phase: changes.phase,
    services: changes.services,
    roles: changes.roles,
    acknowledgedAt: toDate(changes.acknowledgedAt),
    mitigatedAt: toDate(changes.mitigatedAt),
    resolvedAt: toDate(changes.resolvedAt),
    closedAt: toDate(changes.closedAt),
    private: changes.private,
    members: changes.members,
  };
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
}

export async function getIncident(db: Database, key: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.key, key));
  return row;
}

export async function getIncidents(db: Database, keys: string[]): Promise<IncidentRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(incidents).where(inArray(incidents.key, keys));
}

export async function listTimeline(db: Database, key: string, limit = 500) {
  return db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.incidentKey, key))
    .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id))
    .limit(limit);
}

export async function latestIncidents(db: Database, limit = 50): Promise<IncidentRow[]> {
  return db.select().from(incidents).orderBy(desc(incidents.number)).limit(limit);
}

/** Deletes the timeline entries a pinned chat message produced (the reaction was removed). */
export async function removePinnedEntry(db: Database, incidentKey: string, ref: string): Promise<number> {
  const removed = await db
    .delete(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, incidentKey), eq(timelineEvents.kind, 'pinned'), sql`${timelineEvents.details}->>'ref' = ${ref}`))
    .returning({ id: timelineEvents.id });
  return removed.length;
}
