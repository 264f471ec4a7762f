import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// A sandbox transition must be written; only a malformed event (a bug) stops the retries.
export const persistence = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// The copy runs long and heartbeats every 5 s and per 10,000 rows; a lost worker is noticed within
// 20 s and the retry resumes table by table. Refusals (an unruled sensitive column) and missing settings
// stop at once.
export const provisioning = proxyActivities<Activities>({
  startToCloseTimeout: '4h',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: ['SandboxRefused', 'SandboxMisconfigured'] },
});

// Credentials and teardown on the sandbox server: teardown never gives up.
export const sandboxServer = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: ['SandboxMisconfigured'] },
});

export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});
