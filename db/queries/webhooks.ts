// Webhook deliveries (db/schema/webhooks.ts): an event is recorded once per subscriber, each try
// claims the row for a short lease (so a retry and a replay never post the same event at once, and
// a delivered event is never claimed again), and its outcome is written back.

import { and, asc, eq, gte, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { incidents, webhookDeliveries, type WebhookDeliveryRow, type WebhookDeliveryStatus } from '../schema/index.js';

export interface NewWebhookDelivery {
  eventId: string;
  subscriber: string;
  type: string;
  incidentKey: string | null;
  body: string;
  occurredAt: Date;
}

/** Records each (event, subscriber) once; a repeat keeps the first body. */
export async function recordWebhookDeliveries(db: Database, rows: NewWebhookDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
}

export type WebhookClaim =
  | { state: 'claimed'; row: WebhookDeliveryRow }
  | { state: 'delivered' | 'failed' | 'busy' | 'missing' };

/** Takes the event for one try (counting it) unless it is delivered, failed or being sent right now. */
export async function claimWebhookDelivery(db: Database, eventId: string, subscriber: string, leaseSeconds: number): Promise<WebhookClaim> {
  const key = and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.subscriber, subscriber));
  const [row] = await db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, sendingUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(and(key, eq(webhookDeliveries.status, 'pending'), or(isNull(webhookDeliveries.sendingUntil), lt(webhookDeliveries.sendingUntil, sql`now()`))))
    .returning();
  if (row) return { state: 'claimed', row };
  const [current] = await db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).where(key);
  if (!current) return { state: 'missing' };
  return { state: current.status === 'pending' ? 'busy' : current.status };
}

export type WebhookOutcome = { status: 'delivered' } | { status: 'failed' | 'pending'; error: string };

/** Writes back how the try went and ends its lease; `pending` means another try will follow. */
export async function finishWebhookDelivery(db: Database, id: number, outcome: WebhookOutcome): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set(
      outcome.status === 'delivered'
        ? { status: 'delivered', deliveredAt: sql`now()`, lastError: null, sendingUntil: null }
        : { status: outcome.status, lastError: outcome.error.slice(0, 1000), sendingUntil: null },
    )
    .where(eq(webhookDeliveries.id, id));
}

/** Marks the subscriber's still-pending rows of an event failed (its retries ran out elsewhere). */
export async function failWebhookDelivery(db: Database, eventId: string, subscriber: string, error: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: sql`coalesce(${webhookDeliveries.lastError}, ${error.slice(0, 1000)})`, sendingUntil: null })
    .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.subscriber, subscriber), eq(webhookDeliveries.status, 'pending')));
}

/**
 * The subscriber's events a replay sends, oldest first: every undelivered or failed one, or, with
 * `since`, every one that happened since then (delivered ones too).
 */
export async function webhookEventsToReplay(db: Database, subscriber: string, since: Date | undefined, limit: number): Promise<string[]> {
  const rows = await db
    .select({ eventId: webhookDeliveries.eventId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.subscriber, subscriber), since ? gte(webhookDeliveries.occurredAt, since) : ne(webhookDeliveries.status, 'delivered')))
    .orderBy(asc(webhookDeliveries.occurredAt), asc(webhookDeliveries.id))
    .limit(limit);
  return rows.map((r) => r.eventId);
}

/** Makes events sendable again for a replay; delivered ones only when `again` (a replay `--since`). */
export async function reopenWebhookDeliveries(db: Database, subscriber: string, eventIds: string[], again: boolean): Promise<void> {
  if (eventIds.length === 0) return;
  const statuses: WebhookDeliveryStatus[] = again ? ['failed', 'delivered'] : ['failed'];
  await db
    .update(webhookDeliveries)
    .set({ status: 'pending' })
    .where(and(eq(webhookDeliveries.subscriber, subscriber), inArray(webhookDeliveries.eventId, eventIds), inArray(webhookDeliveries.status, statuses)));
}

export async function webhookDeliveryRows(db: Database, eventId: string): Promise<WebhookDeliveryRow[]> {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)).orderBy(asc(webhookDeliveries.subscriber));
}

/** Whether the incident is private now (an unknown key is not). */
export async function incidentIsPrivate(db: Database, incidentKey: string): Promise<boolean> {
  const [row] = await db.select({ private: incidents.private }).from(incidents).where(eq(incidents.key, incidentKey));
  return row?.private === true;
}
