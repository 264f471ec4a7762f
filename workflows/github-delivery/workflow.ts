import { log, proxyActivities } from '@temporalio/workflow';
import type { GitHubRecordActivities } from '../../activities/github/delivery-records.js';
import type { GitHubWebhookActivities } from '../../activities/github/webhook-effects.js';
import type { GitHubDeliveryInput } from './messages.js';

// Pacing and rate limits make a write wait its turn (retryable, with GitHub's delay), so the
// attempts are bounded by time rather than by count; refusals (4xx) are final.
const effects = proxyActivities<GitHubRecordActivities & GitHubWebhookActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['GitHub400', 'GitHub401', 'GitHub404', 'GitHub410', 'GitHub422'] },
});

/**
 * What a GitHub delivery leaves behind once the webhook has answered: the record that it was
 * processed (the redelivery schedule skips it), then the reply comment, if the delivery has one.
 */
export async function githubDeliveryWorkflow(input: GitHubDeliveryInput): Promise<void> {
  await effects.recordGitHubDelivery({ deliveryId: input.deliveryId, event: input.event, result: input.result });
  if (!input.reply) return;
  try {
    await effects.postGitHubReply({ deliveryId: input.deliveryId, reply: input.reply });
  } catch (err) {
    // The command already ran; a reply GitHub refuses (a deleted issue, a locked one) is only lost.
    log.warn('could not post the reply comment', { repo: input.reply.repo, issue: input.reply.number, error: String(err) });
  }
}
