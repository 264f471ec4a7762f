import { index, integer, jsonb, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';
import { incidents } from './incidents.js';

/** Sandbox numbers come from their own sequence so `SBX-N` is short and never reused. */
export const sandboxNumberSeq = pgSequence('sandbox_number_seq', { startWith: 1 });

/**
 * One debugging sandbox: what was asked for, where it is in its life, and its provenance record
 * (source snapshot, schema/policy/content hashes, seed, row counts, rules). The record outlives
 * the sandbox: `sandbox recreate SBX-N` rebuilds from it. Credentials are never stored.
 */
export const sandboxes = pgTable(
  'sandboxes',
  {
    key: text('key').primaryKey(),
    number: integer('number').notNull().unique(),
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    requester: jsonb('requester').$type<Actor>().notNull(),
    source: text('source').notNull(),
    seed: integer('seed').notNull(),
    releaseRef: text('release_ref'),
    recreatedFrom: text('recreated_from'),
    ttlSeconds: integer('ttl_seconds').notNull(),
    status: text('status').notNull(),
    provenance: jsonb('provenance').$type<SandboxProvenance>(),
    contentHash: text('content_hash'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sandboxes_incident_idx').on(t.incidentKey), index('sandboxes_status_idx').on(t.status)],
);

export type SandboxRow = typeof sandboxes.$inferSelect;
