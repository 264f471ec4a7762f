import { desc, eq, gt, sql } from 'drizzle-orm';
import { checkpointHash, GENESIS_HASH, type SealedHead } from './audit-hash.js';
import type { Database } from './client.js';
import { auditChainHeads, auditCheckpointHeads, auditCheckpoints } from './schema/index.js';

// Serialises sealing only (appends never take it), so checkpoints form one chain without forks.
const AUDIT_SEAL_LOCK = 7_220_003;
// Four parameters per head; Postgres takes at most 65,535 in one statement.
const HEADS_PER_INSERT = 5_000;

export interface AuditSeal {
  /** False when no chain moved since the last checkpoint: nothing new was sealed. */
  sealed: boolean;
  /** The checkpoint this call sealed (or an earlier call with its key did), else the latest one. */
  checkpoint: { seq: number; hash: string; chains: number; sealedAt: string } | null;
}

/**
 * Seals a checkpoint over the head of every chain that moved since the last one, chained by hash to
 * it. Idempotent: a retry with the same key returns the checkpoint the first call sealed, and a call
 * when nothing moved seals nothing. Chains being appended to wait only for this transaction's commit.
 */
export async function sealAuditCheckpoint(db: Database, input: { idempotencyKey: string; at?: Date }): Promise<AuditSeal> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_SEAL_LOCK})`);
    const [again] = await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.idempotencyKey, input.idempotencyKey));
    if (again) return { sealed: true, checkpoint: view(again) };
    const [last] = await tx.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
    // Marks each moved chain as sealed at its head, taking its row lock: a chain's append that
    // commits first is sealed here, one that commits after waits and falls to the next checkpoint.
    const heads: SealedHead[] = await tx
      .update(auditChainHeads)
      .set({ sealedSeq: sql`${auditChainHeads.chainSeq}` })
      .where(gt(auditChainHeads.chainSeq, auditChainHeads.sealedSeq))
      .returning({ chain: auditChainHeads.chain, chainSeq: auditChainHeads.chainSeq, hash: auditChainHeads.hash });
    if (heads.length === 0) return { sealed: false, checkpoint: last ? view(last) : null };
    const fields = {
      seq: (last?.seq ?? 0) + 1,
      sealedAt: new Date(Math.floor((input.at ?? new Date()).getTime())),
      idempotencyKey: input.idempotencyKey,
      chains: heads.length,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const [checkpoint] = await tx.insert(auditCheckpoints).values({ ...fields, hash: checkpointHash(fields, heads) }).returning();
    for (let i = 0; i < heads.length; i += HEADS_PER_INSERT) {
      await tx.insert(auditCheckpointHeads).values(heads.slice(i, i + HEADS_PER_INSERT).map((h) => ({ ...h, checkpoint: fields.seq })));
    }
    return { sealed: true, checkpoint: view(checkpoint!) };
  });
}

function view(row: typeof auditCheckpoints.$inferSelect): NonNullable<AuditSeal['checkpoint']> {
  return { seq: row.seq, hash: row.hash, chains: row.chains, sealedAt: row.sealedAt.toISOString() };
}
