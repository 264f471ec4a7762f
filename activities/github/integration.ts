// Everything Firebreak sends to or reads from GitHub for activities: the notifier that mirrors
// incidents into issues, access and sandbox notices, postmortem documents and action-item issues,
// release lookups for sandboxes, triage context from the services' repositories, and the
// redelivery workflow's activities. bots/github/ receives the webhooks.

import type { GitHubConfig } from '../../platform/config/index.js';
import { GITHUB_WEBHOOK_PATH } from '../../domain/github/refs.js';
import type { Outbound, OutboundContext } from '../outbound.js';
import { createGitHubAccessNotifier } from './access-notifier.js';
import { createGitHubOutcomeActivities } from './delivery-outcomes.js';
import type { GitHubApi } from './client.js';
import { createGitHubNotifier } from './notifier.js';
import { createGitHubPostmortemNotifier } from './postmortem-notifier.js';
import { createGitHubPostmortemPublisher } from './postmortem-publisher.js';
import { createGitHubRedeliveryActivities } from './redelivery.js';
import { createGitHubSandboxNotifier, createReleaseResolver } from './sandbox-notifier.js';
import { createGitHubWebhookActivities } from './webhook-effects.js';
import { githubTriageSource } from './triage.js';

/** `api` is the process's one client of this credential, so every write shares one pacing budget. */
export function createGitHubOutbound(ctx: OutboundContext, config: GitHubConfig, api: GitHubApi): Outbound {
  const logger = ctx.logger.child({ integration: 'github' });
  const policy = () => ctx.policy;
  const { db, redactor } = ctx;
  return {
    name: 'github',
    notifiers: [createGitHubNotifier({ db, api, policy, redactor })],
    accessNotifiers: [createGitHubAccessNotifier({ db, api, policy, redactor })],
    sandboxNotifiers: [createGitHubSandboxNotifier({ db, api, redactor })],
    postmortemNotifiers: [createGitHubPostmortemNotifier({ db, api, redactor })],
    postmortemPublisher: createGitHubPostmortemPublisher({ db, api, redactor, logger }),
    resolveRelease: createReleaseResolver(api),
    triageSources: [githubTriageSource({ api, policy, windowSeconds: policy().incidents.contextWindowSeconds })],
    activities: {
      ...createGitHubRedeliveryActivities({ db, api, policy, webhookUrl: githubWebhookUrl(ctx.config) }),
      // The reply to a webhook delivery, posted by the delivery's workflow.
      ...createGitHubWebhookActivities({ db, api }),
      // The outcome of a command the webhook answered on acceptance, which that reply is made from.
      ...createGitHubOutcomeActivities({ client: ctx.workflowClient, redactor }),
    },
  };
}

export function githubWebhookUrl(config: { publicUrl?: string }): string | undefined {
  return config.publicUrl ? `${config.publicUrl}${GITHUB_WEBHOOK_PATH}` : undefined;
}

/** Listing hook deliveries needs the App's JWT, or a token plus the URL that finds our repo hooks. */
export function canRedeliver(config: { publicUrl?: string }, github: GitHubConfig): boolean {
  return github.webhookSecret !== undefined && (github.auth.kind === 'app' || githubWebhookUrl(config) !== undefined);
}
