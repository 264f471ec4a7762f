// The GitHub front-end: the webhook route (issues and `/incident` comments). Built only when GitHub
// settings are present; what Firebreak writes to GitHub is built in activities/github/.

import { Webhooks } from '@octokit/webhooks';
import type { GitHubConfig } from '../../platform/config/index.js';
import { GITHUB_WEBHOOK_PATH } from '../../domain/github/refs.js';
import type { Inbound, InboundContext } from '../inbound.js';
import type { GitHubFrontEnd } from './context.js';
import { createWebhookHandler } from './webhook.js';

/** `api` is the process's one client of this credential (the worker composition builds it). */
export function createGitHubInbound(ctx: InboundContext, config: GitHubConfig, api: GitHubFrontEnd['api']): Inbound {
  const logger = ctx.logger.child({ integration: 'github' });
  const frontEnd: GitHubFrontEnd = { client: ctx.client, taskQueue: ctx.taskQueue, db: ctx.db, policy: ctx.policy, api, logger };
  const routes = config.webhookSecret
    ? [{ method: 'POST', path: GITHUB_WEBHOOK_PATH, handler: createWebhookHandler(frontEnd, new Webhooks({ secret: config.webhookSecret })) }]
    : [];
  if (!config.webhookSecret) logger.warn('GITHUB_WEBHOOK_SECRET is not set: GitHub issues and comments cannot drive incidents');
  return {
    name: 'github',
    routes,
    async start() {
      // Learn the bot's login now, so webhook handlers recognise its events without a GitHub call.
      await api.botLogin();
    },
  };
}
