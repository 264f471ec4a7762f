// The reply comment of a GitHub delivery, posted by the delivery's workflow once the webhook has
// answered, so the HTTP process never calls GitHub.

import type { Database } from '../../db/client.js';
import { splitRepo } from '../../domain/github/refs.js';
import type { GitHubReply } from '../../workflows/github-delivery/messages.js';
import { once } from '../shared/once.js';
import { github, type GitHubApi } from './client.js';

export function createGitHubWebhookActivities(deps: { db: Database; api: GitHubApi }) {
  return {
    async postGitHubReply(input: { deliveryId: string; reply: GitHubReply }): Promise<void> {
      const { repo, number, body } = input.reply;
      await once(deps.db, { key: `github-reply:${input.deliveryId}`, kind: 'github.reply' }, async () => {
        const { owner, name } = splitRepo(repo);
        const client = await deps.api.forRepo(repo);
        const { data } = await github(`replying on ${repo}#${number}`, () => client.rest.issues.createComment({ owner, repo: name, issue_number: number, body }));
        return { id: data.id };
      });
    },
  };
}

export type GitHubWebhookActivities = ReturnType<typeof createGitHubWebhookActivities>;
