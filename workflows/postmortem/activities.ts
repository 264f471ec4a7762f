import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// Every postmortem change must be written; only a malformed event (a bug) stops the retries.
export const persistence = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidPostmortemEvent', 'PostmortemRefused'] },
});

// GitHub writes wait out rate limits (the client turns them into retries with GitHub's delay).
export const github = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m', maximumAttempts: 20 },
});

// A reminder is worth some tries, never a stuck postmortem.
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});
