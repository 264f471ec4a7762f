import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { FlagChange } from '../../domain/flags.js';
import type { Actor } from '../../domain/incident.js';
import { incidents } from './incidents.js';

/**
 * The state of each affected service's flags when the incident was declared, with their most recent
 * changes: the answer to "what changed just before this started?". Written once per flag.
 */
export const flagSnapshots = pgTable(
  'flag_snapshots',
  {
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    flag: text('flag').notNull(),
    environment: text('environment').notNull(),
    provider: text('provider').notNull(),
    project: text('project').notNull(),
    service: text('service').notNull(),
    /** Null when the provider could not be read; `error` says why. */
    enabled: boolean('enabled'),
    recentChanges: jsonb('recent_changes').$type<FlagChange[]>().notNull().default([]),
    error: text('error'),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentKey, t.flag, t.environment] })],
);

/**
 * One flag an incident rolled back (or asked to): mirrors the incident workflow's decisions so
 * restore knows the state to return to and the dashboard can show what was changed, by whom and why.
 */
export const flagRollbacks = pgTable(
  'flag_rollbacks',
  {
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    flag: text('flag').notNull(),
    environment: text('environment').notNull(),
    provider: text('provider').notNull(),
    project: text('project').notNull(),
    service: text('service').notNull(),
    /** `awaiting approval`, `rolled back`, `restored`, `kept`, `failed`, `awaiting decision`. */
    status: text('status').notNull(),
    /** State before the rollback (what restore returns to) and the state the rollback set. */
    previousEnabled: boolean('previous_enabled'),
    targetEnabled: boolean('target_enabled').notNull(),
    /** False when the flag already was in the target state: nothing to restore. */
    changed: boolean('changed').notNull().default(false),
    requestedBy: jsonb('requested_by').$type<Actor>().notNull(),
    approvedBy: jsonb('approved_by').$type<Actor>(),
    emergency: boolean('emergency').notNull().default(false),
    /** Redacted: shown in Slack, GitHub and the flag system's own log. */
    reason: text('reason').notNull(),
    rolledBackAt: timestamp('rolled_back_at', { withTimezone: true }),
    restoredAt: timestamp('restored_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.incidentKey, t.flag, t.environment] }), index('flag_rollbacks_status_idx').on(t.status)],
);

export type FlagSnapshotRow = typeof flagSnapshots.$inferSelect;
export type FlagRollbackRow = typeof flagRollbacks.$inferSelect;
