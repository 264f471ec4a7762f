// The effects of GitHub deliveries, run by the delivery and declaration workflows so the webhook
// itself only verifies, translates and starts workflows: the delivery record, the reply comment and
// the link between an incident and the issue that declared it.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { ensureLink, LinkTakenError } from '../../db/queries/links.js';
import { splitRepo } from '../../domain/github/refs.js';
import type { GitHubReply } from '../../workflows/github-delivery/messages.js';
import { once } from '../once.js';
import { github, type GitHubApi } from './client.js';

export interface GitHubWebhookDeps {
  db: Database;
  api: GitHubApi;
}

/** The processed_requests key the redelivery schedule reads to skip a delivery already handled. */
export const deliveryRecordKey = (deliveryId: string): string => `github-delivery:${deliveryId}`;

export function createGitHubWebhookActivities(deps: GitHubWebhookDeps) {
  return {
    async recordGitHubDelivery(input: { deliveryId: string; event: string; result: string }): Promise<void> {
      await once(deps.db, { key: deliveryRecordKey(input.deliveryId), kind: 'github.delivery' }, async () => ({ event: input.event, outcome: input.result }));
    },

    async postGitHubReply(input: { deliveryId: string; reply: GitHubReply }): Promise<void> {
      const { repo, number, body } = input.reply;
      await once(deps.db, { key: `github-reply:${input.deliveryId}`, kind: 'github.reply' }, async () => {
        const { owner, name } = splitRepo(repo);
        const client = await deps.api.forRepo(repo);
        const { data } = await github(`replying on ${repo}#${number}`, () => client.rest.issues.createComment({ owner, repo: name, issue_number: number, body }));
        return { id: data.id };
      });
    },

    /** The issue a declaration came from becomes the incident's issue (not a tracking issue Firebreak opened). */
    async linkGitHubIssue(input: { incident: string; issue: string }): Promise<void> {
      try {
        await ensureLink(deps.db, { incidentKey: input.incident, kind: 'github-issue', externalId: input.issue, data: { tracking: false } });
      } catch (err) {
        // Another incident holds the issue: no retry changes that.
        if (err instanceof LinkTakenError) throw ApplicationFailure.create({ type: 'LinkTaken', message: err.message, nonRetryable: true });
        throw err;
      }
    },
  };
}

export type GitHubWebhookActivities = ReturnType<typeof createGitHubWebhookActivities>;
