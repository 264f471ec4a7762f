import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from '../../activities/retention.js';

// Planning and the report are quick reads and one write.
export const quick = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 10 },
});

// A purge walks a whole table; it heartbeats after every batch and a retry resumes where it was.
export const purge = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', maximumInterval: '5m', maximumAttempts: 10 },
});
