import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AuditSealActivities } from '../../activities/audit-seal.js';
import type { AuditSealResult } from './messages.js';

// One short transaction; the next scheduled run covers anything a failed run left unsealed.
const audit = proxyActivities<AuditSealActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 5 },
});

/** Seals one audit checkpoint over every chain that moved since the last one. */
export async function auditSealWorkflow(): Promise<AuditSealResult> {
  return audit.sealAuditCheckpoint({ idempotencyKey: `audit-seal:${workflowInfo().runId}` });
}
