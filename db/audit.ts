import { eq, sql } from 'drizzle-orm';
import type { Actor } from '../domain/incident.js';
import { auditChainOf, GENESIS_HASH, auditRowHash } from './audit-hash.js';
import type { Transaction } from './client.js';
import { auditChainHeads, auditLog, type AuditRow } from './schema/index.js';

export { auditChainOf, auditRowHash, canonicalJson, GENESIS_HASH, GLOBAL_CHAIN, LEGACY_CHAIN } from './audit-hash.js';
export { verifyAuditChain, type AuditVerification } from './audit-verify.js';
export { sealAuditCheckpoint, type AuditSeal } from './audit-checkpoint.js';

export interface AuditEntry {
  at: Date;
  actor: Actor;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  idempotencyKey: string;
  /** The incident the entry belongs to when its subject is something else (a grant, a postmortem). */
  incident?: string;
}

/**
 * Appends one entry inside the caller's transaction, so the state change and its audit row commit
 * together. A retried call with the same idempotency key returns the existing row. Only appends to
 * the same chain (the same incident) wait for each other: the chain's head row is its lock, held
 * until the commit.
 */
export async function appendAudit(tx: Transaction, entry: AuditEntry): Promise<AuditRow> {
  const chain = auditChainOf(entry);
  const head = await lockChainHead(tx, chain);
  // The id is drawn after the chain's lock, so ids follow chain order within a chain.
  const probe = await tx.execute<{ seq: string; existing: boolean }>(
    sql`SELECT nextval('audit_log_seq') AS seq, EXISTS (SELECT 1 FROM audit_log WHERE idempotency_key = ${entry.idempotencyKey}) AS existing`,
  );
  const { seq, existing } = probe.rows[0]!;
  if (existing) {
    const [row] = await tx.select().from(auditLog).where(eq(auditLog.idempotencyKey, entry.idempotencyKey));
    return row!;
  }
  // Postgres keeps microseconds; the chain hashes milliseconds, so store exactly what was hashed.
  const at = new Date(Math.floor(entry.at.getTime()));
  const row = {
    seq: Number(seq),
    chain,
    chainSeq: head.chainSeq + 1,
    at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    details: entry.details,
    idempotencyKey: entry.idempotencyKey,
    prevHash: head.hash,
  };
  const hash = auditRowHash(row);
  const [inserted] = await tx.insert(auditLog).values({ ...row, hash }).returning();
  await tx.update(auditChainHeads).set({ chainSeq: row.chainSeq, hash }).where(eq(auditChainHeads.chain, chain));
  return inserted!;
}

/** Locks the chain's head row, creating it (at the genesis hash) for a chain's first entry. */
async function lockChainHead(tx: Transaction, chain: string): Promise<{ chainSeq: number; hash: string }> {
  for (;;) {
    const [head] = await tx.select({ chainSeq: auditChainHeads.chainSeq, hash: auditChainHeads.hash }).from(auditChainHeads).where(eq(auditChainHeads.chain, chain)).for('update');
    if (head) return head;
    // Two first entries at once: one inserts, the other waits for its commit and then finds the row.
    await tx.insert(auditChainHeads).values({ chain, chainSeq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  }
}
