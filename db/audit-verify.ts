import { asc, between, gt, sql } from 'drizzle-orm';
import { auditRowHash, checkpointHash, GENESIS_HASH, LEGACY_CHAIN } from './audit-hash.js';
import type { Database } from './client.js';
import { auditCheckpointHeads, auditCheckpoints, auditLog, type AuditCheckpointHeadRow, type AuditCheckpointRow, type AuditRow } from './schema/index.js';

/** Where verification stopped: a row of a chain (its id when the row exists), or a checkpoint. */
export type AuditBreak = { chain: string; chainSeq: number; seq: number | null; reason: string } | { checkpoint: number; reason: string };

export type AuditVerification =
  | { ok: true; rows: number; chains: number; checkpoints: number; lastCheckpoint: { seq: number; hash: string } | null }
  | ({ ok: false; rows: number } & AuditBreak);

/** The latest head a checkpoint sealed for one chain. */
interface Sealed {
  chainSeq: number;
  hash: string;
  checkpoint: number;
}

class Broken extends Error {
  constructor(readonly where: AuditBreak) {
    super(where.reason);
  }
}

/**
 * Checks the checkpoint chain, then walks every audit chain in order and compares it with the heads
 * the checkpoints sealed. Names the first checkpoint or row that does not fit: an altered, missing or
 * relinked row, a chain cut short or deleted after a checkpoint sealed it, or one rewritten
 * consistently up to a sealed head.
 */
export async function verifyAuditChain(db: Database, batchSize = 1000): Promise<AuditVerification> {
  let rows = 0;
  try {
    const { sealed, count, last } = await verifyCheckpoints(db, batchSize);
    const walk = await walkChains(db, sealed, batchSize, () => rows++);
    for (const [chain, head] of sealed) {
      if (!walk.seen.has(chain)) throw new Broken({ chain, chainSeq: 1, seq: null, reason: `chain ${chain} is missing: checkpoint ${head.checkpoint} sealed it at row ${head.chainSeq}` });
    }
    return { ok: true, rows, chains: walk.seen.size, checkpoints: count, lastCheckpoint: last };
  } catch (err) {
    if (err instanceof Broken) return { ok: false, rows, ...err.where };
    throw err;
  }
}

async function verifyCheckpoints(db: Database, batchSize: number): Promise<{ sealed: Map<string, Sealed>; count: number; last: { seq: number; hash: string } | null }> {
  const sealed = new Map<string, Sealed>();
  let last: { seq: number; hash: string } | null = null;
  for (;;) {
    const after: number = last?.seq ?? 0;
    const batch: AuditCheckpointRow[] = await db.select().from(auditCheckpoints).where(gt(auditCheckpoints.seq, after)).orderBy(asc(auditCheckpoints.seq)).limit(batchSize);
    if (batch.length === 0) return { sealed, count: after, last };
    const heads = await db
      .select()
      .from(auditCheckpointHeads)
      .where(between(auditCheckpointHeads.checkpoint, batch[0]!.seq, batch.at(-1)!.seq))
      .orderBy(asc(auditCheckpointHeads.checkpoint), asc(auditCheckpointHeads.chain));
    const byCheckpoint = new Map<number, AuditCheckpointHeadRow[]>();
    for (const head of heads) byCheckpoint.set(head.checkpoint, [...(byCheckpoint.get(head.checkpoint) ?? []), head]);
    for (const checkpoint of batch) {
      const expected: number = (last?.seq ?? 0) + 1;
      const seq = checkpoint.seq;
      if (seq !== expected) throw new Broken({ checkpoint: expected, reason: `checkpoint ${expected} is missing (next checkpoint is ${seq})` });
      if (checkpoint.prevHash !== (last?.hash ?? GENESIS_HASH)) throw new Broken({ checkpoint: seq, reason: `checkpoint ${seq} does not link to checkpoint ${seq - 1} (prev_hash differs)` });
      const own = byCheckpoint.get(seq) ?? [];
      if (own.length !== checkpoint.chains || checkpointHash(checkpoint, own) !== checkpoint.hash) {
        throw new Broken({ checkpoint: seq, reason: `checkpoint ${seq} was altered after it was sealed (hash differs)` });
      }
      for (const head of own) recordSealed(sealed, head);
      last = { seq, hash: checkpoint.hash };
    }
  }
}

function recordSealed(sealed: Map<string, Sealed>, head: AuditCheckpointHeadRow): void {
  const before = sealed.get(head.chain);
  if (before && before.chainSeq >= head.chainSeq) {
    throw new Broken({ checkpoint: head.checkpoint, reason: `checkpoint ${head.checkpoint} seals chain ${head.chain} at row ${head.chainSeq}, not past row ${before.chainSeq} where checkpoint ${before.checkpoint} sealed it` });
  }
  sealed.set(head.chain, { chainSeq: head.chainSeq, hash: head.hash, checkpoint: head.checkpoint });
}

/** Every chain in name order, each from its first row; `count` is called per row that verified. */
async function walkChains(db: Database, sealed: Map<string, Sealed>, batchSize: number, count: () => void) {
  const seen = new Set<string>();
  let position: { chain: string; chainSeq: number; hash: string } | undefined;
  const endChain = () => {
    if (!position) return;
    const head = sealed.get(position.chain);
    if (head && head.chainSeq > position.chainSeq) {
      const missing = position.chainSeq + 1;
      throw new Broken({ chain: position.chain, chainSeq: missing, seq: null, reason: `row ${missing} of chain ${position.chain} is missing: checkpoint ${head.checkpoint} sealed the chain at row ${head.chainSeq}, it ends at row ${position.chainSeq}` });
    }
  };
  for (;;) {
    const batch = await db
      .select()
      .from(auditLog)
      .where(position ? sql`(${auditLog.chain}, ${auditLog.chainSeq}) > (${position.chain}, ${position.chainSeq})` : undefined)
      .orderBy(asc(auditLog.chain), asc(auditLog.chainSeq))
      .limit(batchSize);
    if (batch.length === 0) {
      endChain();
      return { seen };
    }
    for (const row of batch) {
      if (row.chain !== position?.chain) {
        endChain();
        position = { chain: row.chain, chainSeq: 0, hash: GENESIS_HASH };
        seen.add(row.chain);
      }
      const problem = checkRow(row, position, sealed.get(row.chain));
      if (problem) throw new Broken({ chain: row.chain, chainSeq: problem.chainSeq, seq: problem.seq, reason: problem.reason });
      position = { chain: row.chain, chainSeq: row.chainSeq, hash: row.hash };
      count();
    }
  }
}

function checkRow(row: AuditRow, before: { chainSeq: number; hash: string }, head: Sealed | undefined) {
  const name = `row ${row.chainSeq} of chain ${row.chain} (id ${row.seq})`;
  const expected = before.chainSeq + 1;
  if (row.chainSeq !== expected) return { chainSeq: expected, seq: null, reason: `row ${expected} of chain ${row.chain} is missing (next row is ${row.chainSeq}, id ${row.seq})` };
  const at = { chainSeq: row.chainSeq, seq: row.seq };
  if (row.prevHash !== before.hash) return { ...at, reason: `${name} does not link to row ${before.chainSeq} (prev_hash differs)` };
  if (auditRowHash(row) !== row.hash) return { ...at, reason: `${name} was altered after it was written (hash differs)` };
  // A legacy row's id was its position, and its hash covers only the position.
  if (row.chain === LEGACY_CHAIN && row.seq !== row.chainSeq) return { ...at, reason: `${name} was renumbered (a legacy row's id is its position)` };
  if (head && head.chainSeq === row.chainSeq && head.hash !== row.hash) {
    return { ...at, reason: `${name} is not the row checkpoint ${head.checkpoint} sealed (hash differs: the chain was rewritten up to here)` };
  }
  return undefined;
}
