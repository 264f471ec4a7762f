import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// Persistence retries until Postgres is back; only a refused input (a bug) stops it.
export const persistence = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidIncidentEvent'] },
});

// Notifications are worth a few tries, not an incident stuck behind a chat outage.
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});

// Context is a nice-to-have: a few tries, then the incident goes on without it.
export const context = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumAttempts: 3 },
});
