import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One event for one webhook subscriber (policy `webhooks.subscribers`): the exact body that is
 * signed and sent (the same bytes on every try and every replay), and how its delivery went.
 * `sending_until` is a short lease, so two senders (a retry and a replay) never post it at once.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    subscriber: text('subscriber').notNull(),
    type: text('type').notNull(),
    incidentKey: text('incident_key'),
    body: text('body').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sendingUntil: timestamp('sending_until', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    unique('webhook_deliveries_event_subscriber_uq').on(t.eventId, t.subscriber),
    index('webhook_deliveries_subscriber_occurred_idx').on(t.subscriber, t.occurredAt),
    index('webhook_deliveries_undelivered_idx').on(t.subscriber, t.occurredAt).where(sql`${t.status} <> 'delivered'`),
  ],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
