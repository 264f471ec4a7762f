import { jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { incidents } from './incidents.js';

/**
 * Where an incident lives outside Firebreak: its Slack channel and pinned summary, its GitHub
 * issue. One row per (incident, kind); an external object belongs to at most one incident, so a
 * command typed in a channel or issue finds its incident by the reverse lookup.
 */
export const incidentLinks = pgTable(
  'incident_links',
  {
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    /** `slack-channel` (external ID = channel ID) or `github-issue` (external ID = `owner/repo#N`). */
    kind: text('kind').notNull(),
    externalId: text('external_id').notNull(),
    /** Integration state, e.g. the pinned summary's message ts or whether the issue is a tracking issue. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('incident_links_incident_kind').on(t.incidentKey, t.kind), unique('incident_links_external').on(t.kind, t.externalId)],
);

export type IncidentLinkRow = typeof incidentLinks.$inferSelect;
