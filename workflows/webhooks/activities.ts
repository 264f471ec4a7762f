import { proxyActivities } from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhooks/deliver.js';

// The activity sets each retry's wait itself (the policy's firstWait doubling to maxWait, a 429's
// Retry-After) and gives up after the policy's attempts, recording the event failed; the limit here
// only stops a try that never answers (a lost worker, a timeout) from going on for ever.
export const delivery = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '5m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    maximumAttempts: 100,
    nonRetryableErrorTypes: ['WebhookRefused', 'WebhookDeliveryGaveUp', 'UnknownWebhookSubscriber', 'WebhookReplayRefused'],
  },
});
