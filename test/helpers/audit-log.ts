import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { createScratchDatabase, type ScratchDatabase } from '../../db/admin.js';
import { appendAudit, canonicalJson, GENESIS_HASH, type AuditEntry } from '../../db/audit.js';
import { connectDatabase, type Database, type DatabaseHandle, type Transaction } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';

const execFileAsync = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/firebreak.js', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** An audit entry on `subject` with key `<subject>:<n>`, at a fixed time so hashes repeat. */
export function entry(subject: string, n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: new Date(Date.UTC(2026, 10, 25, 8, n)),
    actor: { source: 'cli', id: 'alice' },
    action: 'incident.severity',
    subject,
    details: { to: `SEV${(n % 4) + 1}`, nested: { b: 1, a: [1, 2] } },
    idempotencyKey: `${subject}:${n}`,
    ...extra,
  };
}

export const append = (db: Database, e: AuditEntry) => db.transaction((tx) => appendAudit(tx, e));

/** Runs SQL that the append-only triggers refuse, as a superuser tampering behind them would. */
export async function behindTriggers(db: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(statement);
  });
}

/** A migrated database of the test's own, since tampering spoils it for anyone else. */
export async function ownAuditDatabase(prefix: string): Promise<{ scratch: ScratchDatabase; handle: DatabaseHandle; db: Database; close(): Promise<void> }> {
  const scratch = await createScratchDatabase(prefix);
  await runMigrations(scratch.url);
  const handle = connectDatabase(scratch.url);
  return {
    scratch,
    handle,
    db: handle.db,
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

export async function cli(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The row hash before chains per incident (up to migration 0008): one global chain, position = seq. */
export function hashBeforeChains(row: { prevHash: string; seq: number; at: Date; actor: unknown; action: string; subject: string; details: unknown; idempotencyKey: string }): string {
  const material = [row.prevHash, String(row.seq), row.at.toISOString(), canonicalJson(row.actor), row.action, row.subject, canonicalJson(row.details), row.idempotencyKey].join('\n');
  return createHash('sha256').update(material).digest('hex');
}

/** Applies the migrations as they were before audit chains per incident (0000–0008). */
export async function migrateBeforeChains(db: Database): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'firebreak-migrations-'));
  try {
    cpSync(MIGRATIONS, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const chains = journal.entries.findIndex((e) => e.tag === '0009_audit_chains');
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, chains) }));
    await migrate(db, { migrationsFolder: folder });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * appendAudit as it was before chains per incident, on a database migrated by migrateBeforeChains:
 * one advisory lock for every append in the system, held to the commit. Kept for the benchmark's
 * before/after comparison.
 */
export async function appendBeforeChains(tx: Transaction, e: AuditEntry): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(7220002)`);
  const existing = await tx.execute(sql`SELECT seq FROM audit_log WHERE idempotency_key = ${e.idempotencyKey}`);
  if (existing.rows.length) return;
  const last = await tx.execute<{ seq: string; hash: string }>(sql`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`);
  const row = { ...e, at: new Date(Math.floor(e.at.getTime())), seq: Number(last.rows[0]?.seq ?? 0) + 1, prevHash: last.rows[0]?.hash ?? GENESIS_HASH };
  await tx.execute(
    sql`INSERT INTO audit_log (seq, at, actor, action, subject, details, idempotency_key, prev_hash, hash) VALUES (${row.seq}, ${row.at.toISOString()}, ${JSON.stringify(row.actor)}::jsonb, ${row.action}, ${row.subject}, ${JSON.stringify(row.details)}::jsonb, ${row.idempotencyKey}, ${row.prevHash}, ${hashBeforeChains(row)})`,
  );
}
