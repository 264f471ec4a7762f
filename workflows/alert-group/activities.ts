import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// The policy and the database are ours: retried until they answer.
export const records = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// A note waits for the incident workflow's update; a refusal comes back as a result, not a failure.
export const timeline = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// The triage question in Slack: Slack's own rate limits come back as retries with its delay; the
// post is recorded once per run, so a retry posts nothing more.
export const triageMessages = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m' },
});
