import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';
import { incidents } from './incidents.js';

export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    actor: jsonb('actor').$type<Actor>().notNull(),
    /** Already redacted: timeline text is shown in Slack, GitHub and postmortems. */
    text: text('text').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** A retried activity carries the same key, so the row is written once. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
  },
  (t) => [index('timeline_events_incident_idx').on(t.incidentKey, t.occurredAt)],
);

export type TimelineEventRow = typeof timelineEvents.$inferSelect;
