// The audit seal's contract: a Temporal Schedule starts `auditSealWorkflow` every few minutes, and
// each run seals one checkpoint over the audit chains that moved (db/audit-checkpoint.ts).

export const AUDIT_SEAL_SCHEDULE_ID = 'firebreak-audit-seal';
export const AUDIT_SEAL_WORKFLOW_ID = 'audit-seal';

export interface AuditSealInput {
  /** One per workflow run: a retried activity returns the checkpoint its first attempt sealed. */
  idempotencyKey: string;
}

export interface AuditSealResult {
  /** False when no chain moved since the last checkpoint. */
  sealed: boolean;
  /** The checkpoint sealed, else the latest one (none while the log is empty). */
  checkpoint: { seq: number; hash: string; chains: number; sealedAt: string } | null;
}
