// The GitHub integration: the webhook route (issues and `/incident` comments), the notifier that
// mirrors incidents into issues, triage context from the services' repositories, and the schedule
// that asks GitHub to redeliver what Firebreak missed.

import { Webhooks } from '@octokit/webhooks';
import { createGitHubAccessNotifier } from '../../activities/github/access-notifier.js';
import { createGitHubApi, type GitHubApiOptions } from '../../activities/github/client.js';
import { createGitHubNotifier } from '../../activities/github/notifier.js';
import { createGitHubSandboxNotifier, createReleaseResolver } from '../../activities/github/sandbox-notifier.js';
import { createGitHubPostmortemNotifier } from '../../activities/github/postmortem-notifier.js';
import { createGitHubPostmortemPublisher } from '../../activities/github/postmortem-publisher.js';
import { createGitHubRedeliveryActivities } from '../../activities/github/redelivery.js';
import { githubTriageSource } from '../../activities/github/triage.js';
import type { GitHubConfig } from '../../platform/config/index.js';
import type { Integration, IntegrationContext, IntegrationFactory } from '../../worker/integrations.js';
import { createWebhookHandler } from './webhook.js';
import { ensureRedeliverySchedule } from './schedule.js';

export const WEBHOOK_PATH = '/github/webhooks';

/** The GitHub front-end and notifier; built only when its settings are present. */
export const githubIntegration: IntegrationFactory = async (ctx) => (ctx.config.github ? buildGitHubIntegration(ctx, ctx.config.github) : undefined);

export function buildGitHubIntegration(ctx: IntegrationContext, config: GitHubConfig, options: Partial<GitHubApiOptions> = {}): Integration {
  const logger = ctx.logger.child({ integration: 'github' });
  const api = createGitHubApi(config, { logger, ...options });
  const policy = () => ctx.policy;
  const webhookUrl = ctx.config.publicUrl ? `${ctx.config.publicUrl}${WEBHOOK_PATH}` : undefined;
  const frontEnd = { client: ctx.client, taskQueue: ctx.taskQueue, db: ctx.db, policy: ctx.policy, api, logger };
  const routes = config.webhookSecret
    ? [{ method: 'POST', path: WEBHOOK_PATH, handler: createWebhookHandler(frontEnd, new Webhooks({ secret: config.webhookSecret })) }]
    : [];
  if (!config.webhookSecret) logger.warn('GITHUB_WEBHOOK_SECRET is not set: GitHub issues and comments cannot drive incidents');
  // Listing hook deliveries needs the App's JWT, or a token plus the URL that finds our repo hooks.
  const canRedeliver = config.webhookSecret !== undefined && (api.auth === 'app' || webhookUrl !== undefined);
  return {
    name: 'github',
    routes,
    notifiers: [createGitHubNotifier({ db: ctx.db, api, policy, redactor: ctx.redactor })],
    accessNotifiers: [createGitHubAccessNotifier({ db: ctx.db, api, policy, redactor: ctx.redactor })],
    sandboxNotifiers: [createGitHubSandboxNotifier({ db: ctx.db, api, redactor: ctx.redactor })],
    postmortemNotifiers: [createGitHubPostmortemNotifier({ db: ctx.db, api, redactor: ctx.redactor })],
    postmortemPublisher: createGitHubPostmortemPublisher({ db: ctx.db, api, redactor: ctx.redactor, logger }),
    resolveRelease: createReleaseResolver(api),
    triageSources: [githubTriageSource({ api, policy, windowSeconds: policy().incidents.contextWindowSeconds })],
    activities: createGitHubRedeliveryActivities({ db: ctx.db, api, policy, webhookUrl }),
    async start() {
      // Learn the bot's login now, so webhook handlers recognise its events without a GitHub call.
      await api.botLogin();
      if (!canRedeliver) {
        logger.info('missed GitHub deliveries are not redelivered: they need a GitHub App, or PUBLIC_URL with a token');
        return;
      }
      logger.info({ schedule: await ensureRedeliverySchedule(ctx.client, ctx.taskQueue) }, 'GitHub redelivery schedule ready');
    },
  };
}
