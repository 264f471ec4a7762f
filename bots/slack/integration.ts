// The Slack front-end: the /slack/events route (or Socket Mode) and the Bolt listeners. Built only
// when Slack settings are present; what Firebreak posts to Slack is built in activities/slack/.

import { SocketModeReceiver, type App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Route } from '../../platform/http/server.js';
import type { Inbound, InboundContext } from '../inbound.js';
import { botAuthorization, createSlackApp } from './app.js';
import type { SlackDeps } from './listeners/deps.js';
import { FirebreakReceiver } from './receiver.js';

export function createSlackInbound(ctx: InboundContext): Inbound | undefined {
  const slack = ctx.config.slack;
  if (!slack) return undefined;
  const logger = ctx.logger.child({ integration: 'slack' });
  // Only for auth.test; like every Firebreak Slack client it leaves retries to its caller.
  const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 });
  const deps: SlackDeps = { temporal: { client: ctx.client, taskQueue: ctx.taskQueue }, db: ctx.db, policy: ctx.policy, logger, ...(ctx.config.publicUrl ? { publicUrl: ctx.config.publicUrl } : {}) };
  const authorize = botAuthorization(web, slack.botToken);
  const routes: Route[] = [];
  if (slack.signingSecret) {
    const receiver = new FirebreakReceiver({ signingSecret: slack.signingSecret, logger });
    createSlackApp({ receiver, deps, authorize, apiUrl: slack.apiUrl });
    routes.push({ method: 'POST', path: '/slack/events', handler: receiver.handler });
  }
  let socketApp: App | undefined;
  if (slack.mode === 'socket' && slack.appToken) {
    const receiver = new SocketModeReceiver({ appToken: slack.appToken, installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } } });
    socketApp = createSlackApp({ receiver, deps, authorize, apiUrl: slack.apiUrl });
  }
  return {
    name: 'slack',
    routes,
    async start() {
      // Warm the bot identity so the first command's ack does not wait for auth.test.
      await authorize({ isEnterpriseInstall: false, teamId: undefined, enterpriseId: undefined }).catch((err: unknown) => logger.warn({ err }, 'Slack auth.test failed; retrying on the first request'));
      if (socketApp) await socketApp.start();
    },
    async stop() {
      if (socketApp) await socketApp.stop();
    },
  };
}
