import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RetentionActivities } from '../../activities/retention.js';
import { NO_RETENTION_COUNTS, type RetentionCounts } from '../../domain/retention.js';
import { RETENTION_BATCH_SIZE, type RetentionInput, type RetentionResult } from './messages.js';

const quick = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 10 },
});

// A purge walks a whole table; it heartbeats after every batch and a retry resumes where it was.
const purge = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', maximumInterval: '5m', maximumAttempts: 10 },
});

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
