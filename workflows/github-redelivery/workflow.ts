import { log, proxyActivities } from '@temporalio/workflow';
import type { GitHubRedeliveryActivities } from '../../activities/github/redelivery.js';
import type { GitHubRedeliveryInput, GitHubRedeliveryResult } from './messages.js';

// A run every few minutes: a failed call is picked up by the next run, so retries stay few.
const github = proxyActivities<GitHubRedeliveryActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumAttempts: 3, nonRetryableErrorTypes: ['GitHub400', 'GitHub401', 'GitHub404', 'GitHub410', 'GitHub422'] },
});

/** Asks GitHub to send again every recent delivery that failed and was never processed. */
export async function githubRedeliveryWorkflow(input: GitHubRedeliveryInput): Promise<GitHubRedeliveryResult> {
  const failed = await github.findFailedGitHubDeliveries({ lookbackSeconds: input.lookbackSeconds });
  const redelivered: string[] = [];
  const refused: string[] = [];
  for (const delivery of failed) {
    try {
      await github.redeliverGitHubDelivery(delivery);
      redelivered.push(delivery.guid);
    } catch (err) {
      // One refused delivery must not keep the others from being sent again.
      log.warn('redelivery refused', { guid: delivery.guid, error: String(err) });
      refused.push(delivery.guid);
    }
  }
  return { found: failed.length, redelivered, refused };
}
