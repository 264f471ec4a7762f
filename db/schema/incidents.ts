import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor, IncidentSource, Phase, Role, Severity } from '../../domain/incident.js';

/** Incident numbers come from a sequence so `INC-N` is short, ordered and never reused. */
export const incidentNumberSeq = pgSequence('incident_number_seq', { startWith: 1 });

export const incidents = pgTable(
  'incidents',
  {
    key: text('key').primaryKey(),
    number: integer('number').notNull().unique(),
    title: text('title').notNull(),
    description: text('description'),
    severity: text('severity').$type<Severity>().notNull(),
    phase: text('phase').$type<Phase>().notNull(),
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
    roles: jsonb('roles').$type<Partial<Record<Role, Actor>>>().notNull().default({}),
    source: text('source').$type<IncidentSource>().notNull(),
    sourceRef: text('source_ref'),
    reporter: jsonb('reporter').$type<Actor>().notNull(),
    /** Off every public path (announcements, digest, public GitHub, status page, lists for non-members). */
    private: boolean('private').notNull().default(false),
    /** People added to a private incident by a member (`invite @user`). */
    members: jsonb('members').$type<Actor[]>().notNull().default([]),
    declaredAt: timestamp('declared_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    mitigatedAt: timestamp('mitigated_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('incidents_phase_idx').on(t.phase),
    index('incidents_declared_at_idx').on(t.declaredAt),
    index('incidents_source_ref_idx').on(t.source, t.sourceRef),
  ],
);

export type IncidentRow = typeof incidents.$inferSelect;
