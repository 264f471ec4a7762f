import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../db/admin.js';
import { appendAudit, verifyAuditChain } from '../../db/audit.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';

const execFileAsync = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/firebreak.js', import.meta.url));

// Tampering needs a chain nobody else writes to, so this file gets a database of its own.
let scratch: ScratchDatabase;
let databaseUrl: string;
let database: DatabaseHandle;

async function cliVerify(): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, 'audit', 'verify'], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabase('firebreak_audit');
  databaseUrl = scratch.url;
  await runMigrations(databaseUrl);
  await runMigrations(databaseUrl); // idempotent
  database = connectDatabase(databaseUrl);
  for (let i = 1; i <= 5; i++) {
    await database.db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(Date.UTC(2026, 10, 25, 8, i)),
        actor: { source: 'cli', id: 'alice' },
        action: 'incident.severity',
        subject: 'INC-1',
        details: { to: `SEV${(i % 4) + 1}`, nested: { b: 1, a: [1, 2] } },
        idempotencyKey: `INC-1:${i}`,
      }),
    );
  }
});

afterAll(async () => {
  await database?.close();
  await scratch?.drop();
});

describe('the audit log', () => {
  it('links every row to the one before and verifies', async () => {
    const result = await verifyAuditChain(database.db);
    expect(result).toMatchObject({ ok: true, rows: 5 });
    const cli = await cliVerify();
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^audit chain intact: 5 rows/);
  });

  it('returns the existing row for a repeated idempotency key instead of appending', async () => {
    const again = await database.db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(),
        actor: { source: 'cli', id: 'mallory' },
        action: 'incident.resolve',
        subject: 'INC-1',
        details: {},
        idempotencyKey: 'INC-1:3',
      }),
    );
    expect(again.seq).toBe(3);
    expect(again.action).toBe('incident.severity');
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 5 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    // drizzle wraps the driver's error; the database's own message is the cause.
    const refusal = (statement: Promise<unknown>) => statement.then(() => 'allowed', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await refusal(database.db.execute(sql`UPDATE audit_log SET action = 'x' WHERE seq = 2`))).toBe('audit_log is append-only: UPDATE refused');
    expect(await refusal(database.db.execute(sql`DELETE FROM audit_log WHERE seq = 2`))).toBe('audit_log is append-only: DELETE refused');
    expect(await refusal(database.db.execute(sql`TRUNCATE audit_log`))).toBe('audit_log is append-only: TRUNCATE refused');
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 5 });
  });

  it('names the first tampered row after a superuser edits one behind the trigger', async () => {
    await database.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete`);
    await database.db.execute(sql`UPDATE audit_log SET details = '{"to":"SEV4"}'::jsonb WHERE seq = 3`);
    await database.db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_or_delete`);
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      rows: 2,
      brokenSeq: 3,
      reason: 'row 3 was altered after it was written (hash differs)',
    });
    const cli = await cliVerify();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('audit chain BROKEN at row 3');
  });

  it('appends concurrently without forking the chain', async () => {
    const fresh = await createScratchDatabase('firebreak_audit_concurrent');
    const handle = connectDatabase(fresh.url);
    try {
      await runMigrations(fresh.url);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          handle.db.transaction((tx) =>
            appendAudit(tx, { at: new Date(), actor: { source: 'system', id: 'firebreak' }, action: 'test', subject: 'INC-2', details: { i }, idempotencyKey: `c:${i}` }),
          ),
        ),
      );
      expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, rows: 20 });
    } finally {
      await handle.close();
      await fresh.drop();
    }
  });
});
