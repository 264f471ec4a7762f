import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, sealAuditCheckpoint, verifyAuditChain } from '../../db/audit.js';
import { connectDatabase } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { auditLog } from '../../db/schema/index.js';
import { append, behindTriggers, cli, entry, ownAuditDatabase } from '../helpers/audit-log.js';

// Tampering needs chains nobody else writes to, so this file gets a database of its own.
let own: Awaited<ReturnType<typeof ownAuditDatabase>>;

beforeAll(async () => {
  own = await ownAuditDatabase('firebreak_audit');
  await runMigrations(own.scratch.url); // idempotent
  for (let i = 1; i <= 5; i++) await append(own.db, entry('INC-1', i));
});

afterAll(async () => {
  await own?.close();
});

describe('the audit log', () => {
  it('links every row to the one before in its chain and verifies', async () => {
    expect(await verifyAuditChain(own.db)).toEqual({ ok: true, rows: 5, chains: 1, checkpoints: 0, lastCheckpoint: null });
    const verified = await cli(own.scratch.url, 'audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toBe('audit chain intact: 5 rows in 1 chain; no checkpoint sealed yet\n');
  }, 240_000);

  it('returns the existing row for a repeated idempotency key instead of appending', async () => {
    const again = await append(own.db, entry('INC-1', 3, { actor: { source: 'cli', id: 'mallory' }, action: 'incident.resolve', at: new Date() }));
    expect(again).toMatchObject({ seq: 3, chain: 'INC-1', chainSeq: 3, action: 'incident.severity' });
    expect(await verifyAuditChain(own.db)).toMatchObject({ ok: true, rows: 5 });
  });

  it('puts an entry on its incident chain, through its subject, its incident or its details, else on the global chain', async () => {
    const rows = [
      await append(own.db, entry('GR-4', 1, { incident: 'INC-1' })),
      await append(own.db, entry('SBX-2', 1, { details: { incident: 'INC-7' } })),
      await append(own.db, entry('retention', 1, { details: {} })),
      await append(own.db, entry('alert-group:am:abc', 1, { incident: 'alert-group:am:abc' })),
    ];
    expect(rows.map((r) => [r.chain, r.chainSeq])).toEqual([
      ['INC-1', 6],
      ['INC-7', 1],
      ['global', 1],
      ['global', 2],
    ]);
    // Ids keep increasing across chains: the order rows were written in.
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => a - b));
    expect(await verifyAuditChain(own.db)).toMatchObject({ ok: true, rows: 9, chains: 3 });
  });

  it('seals checkpoints idempotently: a retried key returns its checkpoint, nothing moved seals nothing, then only moved chains', async () => {
    const first = await sealAuditCheckpoint(own.db, { idempotencyKey: 'seal-1' });
    expect(first).toMatchObject({ sealed: true, checkpoint: { seq: 1, chains: 3 } });
    expect(await sealAuditCheckpoint(own.db, { idempotencyKey: 'seal-1' })).toEqual(first);
    expect(await sealAuditCheckpoint(own.db, { idempotencyKey: 'seal-2' })).toEqual({ sealed: false, checkpoint: first.checkpoint });
    await append(own.db, entry('INC-7', 2));
    const second = await sealAuditCheckpoint(own.db, { idempotencyKey: 'seal-3' });
    expect(second).toMatchObject({ sealed: true, checkpoint: { seq: 2, chains: 1 } });
    const heads = await own.db.execute<{ checkpoint: string; chain: string; chain_seq: string }>(
      sql`SELECT checkpoint, chain, chain_seq FROM audit_checkpoint_heads ORDER BY checkpoint, chain`,
    );
    expect(heads.rows.map((h) => `${h.checkpoint} ${h.chain} ${h.chain_seq}`)).toEqual(['1 INC-1 6', '1 INC-7 1', '1 global 2', '2 INC-7 2']);
    expect(await verifyAuditChain(own.db)).toEqual({ ok: true, rows: 10, chains: 3, checkpoints: 2, lastCheckpoint: { seq: 2, hash: second.checkpoint!.hash } });
  });

  it('seals and verifies from the CLI, with --json', async () => {
    const nothing = await cli(own.scratch.url, 'audit', 'seal');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/^nothing to seal: no chain moved since checkpoint 2 \(hash [0-9a-f]{64}\)\n$/);
    await append(own.db, entry('INC-1', 7));
    const sealed = await cli(own.scratch.url, 'audit', 'seal', '--json', '--idempotency-key', 'cli-seal');
    expect(sealed.code).toBe(0);
    const result = JSON.parse(sealed.stdout) as { sealed: boolean; checkpoint: { seq: number; chains: number; hash: string } };
    expect(result).toMatchObject({ sealed: true, checkpoint: { seq: 3, chains: 1 } });
    const repeated = await cli(own.scratch.url, 'audit', 'seal', '--idempotency-key', 'cli-seal');
    expect(repeated.stdout).toBe(`sealed checkpoint 3: 1 chains, hash ${result.checkpoint.hash}\n`);
    const verified = await cli(own.scratch.url, 'audit', 'verify');
    expect(verified.stdout).toBe(`audit chain intact: 11 rows in 3 chains; 3 checkpoints, the last 3 with hash ${result.checkpoint.hash}\n`);
    expect((await cli(own.scratch.url, 'audit', 'purge')).stderr).toContain('Use `firebreak audit verify` or `firebreak audit seal`.');
    // Each CLI call starts a process (seconds each on a loaded machine).
  }, 240_000);

  it('refuses UPDATE, DELETE and TRUNCATE of the log and of the checkpoints', async () => {
    // drizzle wraps the driver's error; the database's own message is the cause.
    const refusal = (statement: Promise<unknown>) => statement.then(() => 'allowed', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await refusal(own.db.execute(sql`UPDATE audit_log SET action = 'x' WHERE seq = 2`))).toBe('audit_log is append-only: UPDATE refused');
    expect(await refusal(own.db.execute(sql`DELETE FROM audit_log WHERE seq = 2`))).toBe('audit_log is append-only: DELETE refused');
    expect(await refusal(own.db.execute(sql`TRUNCATE audit_log`))).toBe('audit_log is append-only: TRUNCATE refused');
    expect(await refusal(own.db.execute(sql`UPDATE audit_checkpoints SET chains = 0`))).toBe('audit_checkpoints is append-only: UPDATE refused');
    expect(await refusal(own.db.execute(sql`DELETE FROM audit_checkpoint_heads`))).toBe('audit_checkpoint_heads is append-only: DELETE refused');
    expect(await refusal(own.db.execute(sql`TRUNCATE audit_checkpoints CASCADE`))).toMatch(/append-only: TRUNCATE refused$/);
    expect(await verifyAuditChain(own.db)).toMatchObject({ ok: true, rows: 11 });
  });

  it('names the tampered row, its chain and id, from the CLI too', async () => {
    await behindTriggers(own.db, sql`UPDATE audit_log SET details = '{"to":"SEV4"}'::jsonb WHERE chain = 'INC-1' AND chain_seq = 3`);
    expect(await verifyAuditChain(own.db)).toEqual({
      ok: false,
      rows: 2,
      chain: 'INC-1',
      chainSeq: 3,
      seq: 3,
      reason: 'row 3 of chain INC-1 (id 3) was altered after it was written (hash differs)',
    });
    const broken = await cli(own.scratch.url, 'audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe('audit chain BROKEN at row 3 of chain INC-1 (id 3): row 3 of chain INC-1 (id 3) was altered after it was written (hash differs) (2 rows before it verified)\n');
    const json = await cli(own.scratch.url, 'audit', 'verify', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, chain: 'INC-1', chainSeq: 3, seq: 3 });
  }, 240_000);
});

describe('appends on different incidents', () => {
  it('do not wait for each other, while appends on the same incident queue in chain order', async () => {
    const fresh = await ownAuditDatabase('firebreak_audit_concurrent');
    const other = connectDatabase(fresh.scratch.url);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const appended = new Promise<void>((resolve) => (holding = resolve));
      // Incident A's transaction appends and stays open until B is done.
      const incidentA = fresh.db.transaction(async (tx) => {
        await appendAudit(tx, entry('INC-10', 1));
        holding();
        await held;
      });
      await appended;
      // B commits while A still holds its chain: nothing it waits for is A's.
      const b = await append(other.db, entry('INC-11', 1));
      expect(b).toMatchObject({ chain: 'INC-11', chainSeq: 1 });
      // A second append on A waits for A's lock: seen as a lock wait in Postgres, then it follows A.
      const secondOnA = append(other.db, entry('INC-10', 2));
      await expect
        .poll(async () => (await fresh.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]!.n, { timeout: 20_000 })
        .toBe(1);
      release();
      await incidentA;
      expect(await secondOnA).toMatchObject({ chain: 'INC-10', chainSeq: 2 });
      expect(await verifyAuditChain(fresh.db)).toMatchObject({ ok: true, rows: 3, chains: 2 });
    } finally {
      await other.close();
      await fresh.close();
    }
  });

  it('fork no chain when many append at once on a few incidents', async () => {
    const fresh = await ownAuditDatabase('firebreak_audit_many');
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => append(fresh.db, entry(`INC-${(i % 4) + 1}`, 100 + i, { at: new Date() }))));
      expect(await verifyAuditChain(fresh.db)).toMatchObject({ ok: true, rows: 40, chains: 4 });
      const rows = await fresh.db.select({ chain: auditLog.chain, chainSeq: auditLog.chainSeq, seq: auditLog.seq }).from(auditLog).orderBy(asc(auditLog.chain), asc(auditLog.chainSeq));
      // Within a chain, ids follow chain order (they are drawn under the chain's lock).
      for (const chain of ['INC-1', 'INC-2', 'INC-3', 'INC-4']) {
        const ids = rows.filter((r) => r.chain === chain).map((r) => r.seq);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(rows.filter((r) => r.chain === chain).map((r) => r.chainSeq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      }
    } finally {
      await fresh.close();
    }
  });
});
