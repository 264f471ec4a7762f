import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';

/**
 * Append-only and tamper-evident: a trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE, and
 * each row stores the hash of the row before it in its chain. A chain is one incident's entries
 * (`INC-12`), `global` for entries that belong to no incident, or `legacy` for the single chain every
 * row written before per-incident chains belongs to (db/audit.ts). `chain_seq` is the row's position
 * in its chain, assigned under the chain's lock so a chain has no gaps or forks; `seq` is the row's
 * id, increasing across chains (and within a chain in chain order), with gaps where a transaction
 * rolled back.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity({ name: 'audit_log_seq' }),
    chain: text('chain').notNull(),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actor: jsonb('actor').$type<Actor>().notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_subject_idx').on(t.subject, t.seq), uniqueIndex('audit_log_chain_idx').on(t.chain, t.chainSeq)],
);

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * The last row of every chain: its row lock is the chain's lock (appends to one chain queue, other
 * chains do not wait), and `sealed_seq` is how far the latest checkpoint covers it, so sealing finds
 * the chains that moved without reading the log. Not itself evidence: verify recomputes everything
 * from the log and the checkpoints.
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  chain: text('chain').primaryKey(),
  chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  sealedSeq: bigint('sealed_seq', { mode: 'number' }).notNull().default(0),
});

/**
 * Checkpoints chained by hash, each sealing the head (position and hash) of every chain that moved
 * since the one before, so together they hold the head of every chain at sealing time. Append-only
 * like the log (migration 0009). A chain deleted, cut short or rewritten before its sealed head no
 * longer matches what a checkpoint sealed.
 */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  sealedAt: timestamp('sealed_at', { withTimezone: true, precision: 3 }).notNull(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  chains: integer('chains').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const auditCheckpointHeads = pgTable(
  'audit_checkpoint_heads',
  {
    checkpoint: bigint('checkpoint', { mode: 'number' })
      .notNull()
      .references(() => auditCheckpoints.seq),
    chain: text('chain').notNull(),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.checkpoint, t.chain] })],
);

export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
export type AuditCheckpointHeadRow = typeof auditCheckpointHeads.$inferSelect;
