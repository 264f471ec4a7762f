import { workflowInfo } from '@temporalio/workflow';
import { NO_RETENTION_COUNTS, type RetentionCounts } from '../../domain/retention.js';
import { purge, quick } from './activities.js';
import { RETENTION_BATCH_SIZE, type RetentionInput, type RetentionResult } from './messages.js';

/**
 * One retention run (daily, from a Temporal Schedule): each window in turn, then one audit report.
 * Every step is idempotent, so a run retried or repeated changes nothing already changed and a
 * repeated run reports zeros.
 */
export async function retentionWorkflow(input: RetentionInput = {}): Promise<RetentionResult> {
  const asOf = input.now ?? new Date().toISOString();
  const batchSize = input.batchSize ?? RETENTION_BATCH_SIZE;
  const plan = await quick.planRetention({ now: asOf });
  const timeline = await purge.purgeExpired({ target: 'timelineFreeText', window: plan.timelineFreeText, asOf, batchSize });
  const sandboxes = await purge.purgeExpired({ target: 'sandboxes', window: plan.sandboxes, asOf, batchSize });
  const requests = await purge.purgeExpired({ target: 'processedRequests', window: plan.processedRequests, asOf, batchSize });
  const counts: RetentionCounts = {
    ...NO_RETENTION_COUNTS,
    timelineEvents: timeline.changed,
    sandboxes: sandboxes.changed,
    sandboxPlaybooks: sandboxes.extra,
    processedRequests: requests.changed,
  };
  const { seq } = await quick.recordRetentionReport({ idempotencyKey: `retention:${workflowInfo().runId}`, asOf, plan, counts });
  return { asOf, plan, counts, auditSeq: seq };
}
