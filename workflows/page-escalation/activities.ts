import { proxyActivities } from '@temporalio/workflow';
import type { PageEscalationActivities } from '../../activities/pagerduty/escalation.js';
import type { Activities } from '../../activities/index.js';

// Reading the incident's row and writing a note are quick; the webhook trigger inside the note's
// activity may wait out a rate limit, so it gets the same hour the `page` command's trigger gets.
export const escalation = proxyActivities<PageEscalationActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['PagingWebhookRefused'] },
});

// The DM goes through the notifiers that already DM people (Slack), each posting once per key.
export const people = proxyActivities<Pick<Activities, 'notifyPostmortem'>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 20 },
});
