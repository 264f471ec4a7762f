import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { ComponentChange, ComponentState } from '../../domain/statuspage.js';
import { incidents } from './incidents.js';

/**
 * The public face of an incident on /status: one row per incident that ever posted a public update.
 * Everything in it was written by `statuspage open|update|resolve` and redacted before it got here.
 */
export const publicIncidents = pgTable(
  'public_incidents',
  {
    incidentKey: text('incident_key')
      .primaryKey()
      .references(() => incidents.key),
    /** Built from component names, never from the internal title. */
    title: text('title').notNull(),
    status: text('status').$type<'open' | 'resolved'>().notNull(),
    /** The state the latest update set for each component it named. */
    components: jsonb('components').$type<Record<string, ComponentState>>().notNull().default({}),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('public_incidents_status_idx').on(t.status, t.resolvedAt)],
);

/** Each public update, keyed by incident and the workflow's update sequence so a retry writes nothing twice. */
export const publicUpdates = pgTable(
  'public_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentKey: text('incident_key')
      .notNull()
      .references(() => publicIncidents.incidentKey),
    sequence: integer('sequence').notNull(),
    verb: text('verb').$type<'open' | 'update' | 'resolve'>().notNull(),
    /** Redacted with the incident's redactor before it was stored. */
    text: text('text').notNull(),
    components: jsonb('components').$type<ComponentChange[]>().notNull().default([]),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('public_updates_incident_sequence').on(t.incidentKey, t.sequence), index('public_updates_published_idx').on(t.publishedAt)],
);

export type PublicIncidentRow = typeof publicIncidents.$inferSelect;
export type PublicUpdateRow = typeof publicUpdates.$inferSelect;

/**
 * Each public update as an external status page received it: one row once the provider accepted
 * it, so a retried mirror activity neither opens a second remote incident nor repeats an update.
 * Every row carries the remote incident it went to; the next update of the same public incident
 * finds it on the row before.
 */
export const publicUpdateMirrors = pgTable(
  'public_update_mirrors',
  {
    incidentKey: text('incident_key')
      .notNull()
      .references(() => publicIncidents.incidentKey),
    sequence: integer('sequence').notNull(),
    provider: text('provider').$type<'atlassian'>().notNull(),
    remoteIncidentId: text('remote_incident_id').notNull(),
    mirroredAt: timestamp('mirrored_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'public_update_mirrors_pk', columns: [t.incidentKey, t.sequence] })],
);

export type PublicUpdateMirrorRow = typeof publicUpdateMirrors.$inferSelect;
