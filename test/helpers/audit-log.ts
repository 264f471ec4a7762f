import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { createScratchDatabase, type ScratchDatabase } from '../../db/admin.js';
import { appendAudit, type AuditEntry } from '../../db/audit.js';
import { connectDatabase, type Database, type DatabaseHandle } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';

const execFileAsync = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/firebreak.js', import.meta.url));

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
