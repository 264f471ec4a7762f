import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';

/**
 * Append-only and tamper-evident: each row stores the hash of the row before it, and a trigger
 * (migration 0001) refuses UPDATE, DELETE and TRUNCATE. `seq` is assigned under a lock so the chain
 * has no gaps or forks.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actor: jsonb('actor').$type<Actor>().notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_subject_idx').on(t.subject, t.seq)],
);

export type AuditRow = typeof auditLog.$inferSelect;
