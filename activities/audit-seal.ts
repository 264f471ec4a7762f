import { sealAuditCheckpoint } from '../db/audit.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import type { AuditSealInput, AuditSealResult } from '../workflows/audit-seal/messages.js';

export function createAuditSealActivities({ db, logger }: { db: Database; logger: Logger }) {
  return {
    /** Idempotent by key; seals nothing when no audit chain moved. */
    async sealAuditCheckpoint(input: AuditSealInput): Promise<AuditSealResult> {
      const result = await sealAuditCheckpoint(db, input);
      if (result.sealed && result.checkpoint) logger.info({ checkpoint: result.checkpoint.seq, chains: result.checkpoint.chains, hash: result.checkpoint.hash }, 'audit checkpoint sealed');
      return result;
    },
  };
}

export type AuditSealActivities = ReturnType<typeof createAuditSealActivities>;
