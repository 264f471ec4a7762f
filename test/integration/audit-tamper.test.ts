import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../db/admin.js';
import { auditRowHash, GENESIS_HASH, sealAuditCheckpoint, verifyAuditChain } from '../../db/audit.js';
import { connectDatabase, type Database } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { auditLog } from '../../db/schema/index.js';
import { append, behindTriggers, entry, hashBeforeChains, migrateBeforeChains, ownAuditDatabase } from '../helpers/audit-log.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * INC-1 rows 1–5 (ids 1–5), INC-2 rows 1–3 (ids 6–8), one global row (id 9), checkpoint 1; INC-1
 * rows 6–7 (ids 10–11), checkpoint 2; INC-2 row 4 (id 12) not sealed yet.
 */
async function sealedLog(): Promise<Database> {
  const own = await ownAuditDatabase('firebreak_audit_tamper');
  cleanups.push(own.close);
  for (let i = 1; i <= 5; i++) await append(own.db, entry('INC-1', i));
  for (let i = 1; i <= 3; i++) await append(own.db, entry('INC-2', i));
  await append(own.db, entry('retention', 1));
  await sealAuditCheckpoint(own.db, { idempotencyKey: 'cp-1' });
  for (let i = 6; i <= 7; i++) await append(own.db, entry('INC-1', i));
  await sealAuditCheckpoint(own.db, { idempotencyKey: 'cp-2' });
  await append(own.db, entry('INC-2', 4));
  expect(await verifyAuditChain(own.db)).toMatchObject({ ok: true, rows: 12, chains: 3, checkpoints: 2 });
  return own.db;
}

describe('audit verify after tampering behind the triggers', () => {
  it('names a whole chain deleted after a checkpoint sealed it', async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`DELETE FROM audit_log WHERE chain = 'INC-2'`);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, rows: 8, chain: 'INC-2', chainSeq: 1, seq: null, reason: 'chain INC-2 is missing: checkpoint 1 sealed it at row 3' });
  });

  it("names the first missing row of a chain's tail cut after a checkpoint sealed it", async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`DELETE FROM audit_log WHERE chain = 'INC-1' AND chain_seq >= 6`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      rows: 5,
      chain: 'INC-1',
      chainSeq: 6,
      seq: null,
      reason: 'row 6 of chain INC-1 is missing: checkpoint 2 sealed the chain at row 7, it ends at row 5',
    });
  });

  it('cannot see a tail cut after the last checkpoint: what sealing is for', async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`DELETE FROM audit_log WHERE chain = 'INC-2' AND chain_seq = 4`);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 11 });
  });

  it('names a row removed from the middle of a chain', async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`DELETE FROM audit_log WHERE chain = 'INC-1' AND chain_seq = 3`);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, rows: 2, chain: 'INC-1', chainSeq: 3, seq: null, reason: 'row 3 of chain INC-1 is missing (next row is 4, id 4)' });
  });

  it('names rows reordered within a chain, by position or by id', async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`UPDATE audit_log SET chain_seq = -2 WHERE chain = 'INC-1' AND chain_seq = 2`);
    await behindTriggers(db, sql`UPDATE audit_log SET chain_seq = 2 WHERE chain = 'INC-1' AND chain_seq = 3`);
    await behindTriggers(db, sql`UPDATE audit_log SET chain_seq = 3 WHERE chain = 'INC-1' AND chain_seq = -2`);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, rows: 1, chain: 'INC-1', chainSeq: 2, seq: 3, reason: 'row 2 of chain INC-1 (id 3) does not link to row 1 (prev_hash differs)' });

    const other = await sealedLog();
    await behindTriggers(other, sql`UPDATE audit_log SET seq = -6 WHERE seq = 6`);
    await behindTriggers(other, sql`UPDATE audit_log SET seq = 6 WHERE seq = 7`);
    await behindTriggers(other, sql`UPDATE audit_log SET seq = 7 WHERE seq = -6`);
    expect(await verifyAuditChain(other)).toEqual({ ok: false, rows: 7, chain: 'INC-2', chainSeq: 1, seq: 7, reason: 'row 1 of chain INC-2 (id 7) was altered after it was written (hash differs)' });
  });

  it('names the sealed head of a chain rewritten consistently from an altered row on', async () => {
    const db = await sealedLog();
    const rows = await db.select().from(auditLog).where(eq(auditLog.chain, 'INC-1')).orderBy(asc(auditLog.chainSeq));
    let prevHash = rows[1]!.hash;
    for (const row of rows.slice(2)) {
      const forged = { ...row, prevHash, details: row.chainSeq === 3 ? { to: 'SEV4' } : row.details };
      const hash = auditRowHash(forged);
      await behindTriggers(db, sql`UPDATE audit_log SET details = ${JSON.stringify(forged.details)}::jsonb, prev_hash = ${prevHash}, hash = ${hash} WHERE seq = ${row.seq}`);
      prevHash = hash;
    }
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      rows: 6,
      chain: 'INC-1',
      chainSeq: 7,
      seq: 11,
      reason: 'row 7 of chain INC-1 (id 11) is not the row checkpoint 2 sealed (hash differs: the chain was rewritten up to here)',
    });
  });

  it('names a checkpoint deleted or altered', async () => {
    const db = await sealedLog();
    await behindTriggers(db, sql`DELETE FROM audit_checkpoint_heads WHERE checkpoint = 1`);
    await behindTriggers(db, sql`DELETE FROM audit_checkpoints WHERE seq = 1`);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, rows: 0, checkpoint: 1, reason: 'checkpoint 1 is missing (next checkpoint is 2)' });

    const other = await sealedLog();
    await behindTriggers(other, sql`UPDATE audit_checkpoint_heads SET chain_seq = 2 WHERE checkpoint = 1 AND chain = 'INC-2'`);
    expect(await verifyAuditChain(other)).toEqual({ ok: false, rows: 0, checkpoint: 1, reason: 'checkpoint 1 was altered after it was sealed (hash differs)' });
  });
});

describe('rows written before chains per incident', () => {
  it('stay verifiable as the legacy chain, hashes untouched, and new rows continue after them', async () => {
    const scratch = await createScratchDatabase('firebreak_audit_legacy');
    const handle = connectDatabase(scratch.url);
    cleanups.push(async () => {
      await handle.close();
      await scratch.drop();
    });
    await migrateBeforeChains(handle.db);
    let prevHash = GENESIS_HASH;
    const written: string[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      const row = { ...entry('INC-1', seq), seq, prevHash };
      const hash = hashBeforeChains(row);
      await handle.db.execute(
        sql`INSERT INTO audit_log (seq, at, actor, action, subject, details, idempotency_key, prev_hash, hash) VALUES (${seq}, ${row.at.toISOString()}, ${JSON.stringify(row.actor)}::jsonb, ${row.action}, ${row.subject}, ${JSON.stringify(row.details)}::jsonb, ${row.idempotencyKey}, ${prevHash}, ${hash})`,
      );
      written.push(hash);
      prevHash = hash;
    }

    await runMigrations(scratch.url);
    const legacy = await handle.db.select().from(auditLog).orderBy(asc(auditLog.seq));
    expect(legacy.map((r) => [r.chain, r.chainSeq, r.seq, r.hash])).toEqual(written.map((hash, i) => ['legacy', i + 1, i + 1, hash]));
    const next = await append(handle.db, entry('INC-1', 4));
    expect(next).toMatchObject({ chain: 'INC-1', chainSeq: 1, seq: 4, prevHash: GENESIS_HASH });
    await sealAuditCheckpoint(handle.db, { idempotencyKey: 'after-migration' });
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, rows: 4, chains: 2, checkpoints: 1 });

    // Chains are walked in name order: INC-1 (one row) verifies before legacy.
    await behindTriggers(handle.db, sql`UPDATE audit_log SET action = 'incident.resolve' WHERE seq = 2`);
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: false, rows: 2, chain: 'legacy', chainSeq: 2, seq: 2, reason: 'row 2 of chain legacy (id 2) was altered after it was written (hash differs)' });
  });
});
