import { proxyActivities } from '@temporalio/workflow';
import type { RuleActivities } from '../../activities/rules/index.js';
import type { SlackRuleActivities } from '../../activities/slack/rule-steps.js';

// A step that fails retries a few times with backoff, then the run records the failure and stops;
// what no retry can fix (a channel Slack does not know, an update the incident refuses) fails at once.
export const steps = proxyActivities<RuleActivities & SlackRuleActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 5, nonRetryableErrorTypes: ['RuleStepRefused'] },
});

// The run's report and the incident's facts retry until the incident's worker answers.
export const incident = proxyActivities<RuleActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** Part E's outbound webhook activity (activities/webhooks/), called by name with the subscriber set. */
export interface WebhookDelivery {
  deliverWebhookEvent(input: { eventId: string; type: string; incident?: string; private?: boolean; subscriber?: string; data: Record<string, unknown> }): Promise<void>;
}
export const webhooks = proxyActivities<WebhookDelivery>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 5 },
});
