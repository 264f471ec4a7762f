import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// Grants started before the incident handed over its policy load it once.
export const policyLoading = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: { initialInterval: '1s', maximumInterval: '30s' } });

// A grant transition must be written; only a malformed event (a bug) stops the retries.
export const persistence = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidGrantEvent'] },
});

// Granting may give up: after a few minutes of an unreachable system the request ends instead of
// hanging, and a misconfigured capability fails at once.
export const grantProviders = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: ['AccessMisconfigured'] },
});

// Taking access away never gives up: it retries until the target system answers.
export const revokeProviders = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});
