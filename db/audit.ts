import { createHash } from 'node:crypto';
import { asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Actor } from '../domain/incident.js';
import type { Database, Transaction } from './client.js';
import { auditLog, type AuditRow } from './schema/index.js';

export const GENESIS_HASH = '0'.repeat(64);
// Serialises appends so every row links to the one before it; held only until the commit.
const AUDIT_CHAIN_LOCK = 7_220_002;

export interface AuditEntry {
  at: Date;
  actor: Actor;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  idempotencyKey: string;
}

/** JSON with sorted keys, so the hash does not depend on how jsonb reorders an object. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function auditRowHash(row: Omit<AuditRow, 'hash'>): string {
  const material = [
    row.prevHash,
    String(row.seq),
    row.at.toISOString(),
    canonicalJson(row.actor),
    row.action,
    row.subject,
    canonicalJson(row.details),
    row.idempotencyKey,
  ].join('\n');
  return createHash('sha256').update(material).digest('hex');
}

/**
 * Appends one entry inside the caller's transaction, so the state change and its audit row commit
 * together. A retried call with the same idempotency key returns the existing row.
 */
export async function appendAudit(tx: Transaction, entry: AuditEntry): Promise<AuditRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [existing] = await tx.select().from(auditLog).where(eq(auditLog.idempotencyKey, entry.idempotencyKey));
  if (existing) return existing;
  const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  // Postgres keeps microseconds; the chain hashes milliseconds, so store exactly what was hashed.
  const at = new Date(Math.floor(entry.at.getTime()));
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    details: entry.details,
    idempotencyKey: entry.idempotencyKey,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = auditRowHash(row);
  const [inserted] = await tx.insert(auditLog).values({ ...row, hash }).returning();
  return inserted!;
}

export type AuditVerification =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; brokenSeq: number; reason: string };

/** Walks the whole chain in order and names the first row that does not fit. */
export async function verifyAuditChain(db: Database, batchSize = 1000): Promise<AuditVerification> {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const batch = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);
    if (batch.length === 0) return { ok: true, rows, lastHash: expectedPrev };
    for (const row of batch) {
      const problem = checkRow(row, expectedSeq, expectedPrev);
      if (problem) return { ok: false, rows, brokenSeq: row.seq, reason: problem };
      expectedPrev = row.hash;
      expectedSeq++;
      rows++;
    }
  }
}

function checkRow(row: AuditRow, expectedSeq: number, expectedPrev: string): string | undefined {
  if (row.seq !== expectedSeq) return `row ${expectedSeq} is missing (next row is ${row.seq})`;
  if (row.prevHash !== expectedPrev) return `row ${row.seq} does not link to row ${row.seq - 1} (prev_hash differs)`;
  if (auditRowHash(row) !== row.hash) return `row ${row.seq} was altered after it was written (hash differs)`;
  return undefined;
}
