import { log, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { GitHubOutcomeActivities } from '../../activities/github/delivery-outcomes.js';
import type { GitHubRecordActivities } from '../../activities/github/delivery-records.js';
import type { GitHubWebhookActivities } from '../../activities/github/webhook-effects.js';
import { PERSISTENCE_OPTIONS } from '../kernel/persistence.js';
import { AWAIT_OUTCOME_PATCH, RECORD_LOCALLY_PATCH, type GitHubDeliveryInput, type GitHubReply } from './messages.js';

// Pacing and rate limits make a write wait its turn (retryable, with GitHub's delay), so the
// attempts are bounded by time rather than by count; refusals (4xx) are final.
const effects = proxyActivities<GitHubRecordActivities & GitHubWebhookActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['GitHub400', 'GitHub401', 'GitHub404', 'GitHub410', 'GitHub422'] },
});

// The record is one insert: a local activity in the delivery's first workflow task, not an
// activity task and a second workflow task through the server for every delivery (issue 16).
const rows = proxyLocalActivities<GitHubRecordActivities>(PERSISTENCE_OPTIONS);

// The accepted command finishes when its workflow gets to it: behind a busy incident's queue, or
// after a worker that died mid-write is replaced. The wait beats, so a waiter that died with its
// worker is noticed in seconds and waits again elsewhere; a day bounds a workflow that never answers.
const outcomes = proxyActivities<GitHubOutcomeActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '15s',
  scheduleToCloseTimeout: '1d',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * What a GitHub delivery leaves behind once the webhook has answered: the record that it was
 * processed (the redelivery schedule skips it), then the reply comment, if the delivery has one:
 * rendered by the front-end, or from the outcome of a command the webhook saw accepted.
 */
export async function githubDeliveryWorkflow(input: GitHubDeliveryInput): Promise<void> {
  const record = { deliveryId: input.deliveryId, event: input.event, result: input.result };
  await (patched(RECORD_LOCALLY_PATCH) ? rows : effects).recordGitHubDelivery(record);
  let reply: GitHubReply | undefined = input.reply;
  if (input.awaiting && patched(AWAIT_OUTCOME_PATCH)) {
    try {
      reply = await outcomes.awaitGitHubOutcome({ deliveryId: input.deliveryId, awaiting: input.awaiting });
    } catch (err) {
      // A day without an answer: the command's workflow is stuck or gone, and its own alerts say so.
      log.warn('no outcome for the accepted command', { workflowId: input.awaiting.workflowId, error: String(err) });
      return;
    }
  }
  if (!reply) return;
  try {
    await effects.postGitHubReply({ deliveryId: input.deliveryId, reply });
  } catch (err) {
    // The command already ran; a reply GitHub refuses (a deleted issue, a locked one) is only lost.
    log.warn('could not post the reply comment', { repo: reply.repo, issue: reply.number, error: String(err) });
  }
}
