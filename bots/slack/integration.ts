// The Slack integration: the /slack/events route (or Socket Mode), the Bolt listeners and the
// notifier activity that renders incidents into Slack. Built only when Slack settings are present.

import { SocketModeReceiver, type App } from '@slack/bolt';
import { createSlackAccessNotifier } from '../../activities/slack/access-notifier.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { createSlackNotifier } from '../../activities/slack/notifier.js';
import { createSlackSandboxNotifier } from '../../activities/slack/sandbox-notifier.js';
import { createSlackPostmortemNotifier } from '../../activities/slack/postmortem-notifier.js';
import type { IntegrationFactory } from '../../worker/integrations.js';
import { getIncidentView } from '../workflow-client.js';
import type { Route } from '../../platform/http/server.js';
import { botAuthorization, createSlackApp } from './app.js';
import type { SlackDeps } from './deps.js';
import { FirebreakReceiver } from './receiver.js';

/** The Slack front-end and notifier; built only when its settings are present. */
export const slackIntegration: IntegrationFactory = async (ctx) => {
  const slack = ctx.config.slack;
  if (!slack) return undefined;
  const logger = ctx.logger.child({ integration: 'slack' });
  const web = createSlackWebClient({ token: slack.botToken, apiUrl: slack.apiUrl });
  // Every notifier talks to the same Web API with the same policy, redactor and logger.
  const notifierDeps = { api: createSlackApi(web), db: ctx.db, policy: () => ctx.policy, redactor: ctx.redactor, logger, publicUrl: ctx.config.publicUrl };
  const notifier = createSlackNotifier(notifierDeps);
  const accessNotifier = createSlackAccessNotifier({
    ...notifierDeps,
    incidentView: (key) => getIncidentView({ client: ctx.client, taskQueue: ctx.taskQueue }, key),
  });
  const deps: SlackDeps = { temporal: { client: ctx.client, taskQueue: ctx.taskQueue }, db: ctx.db, policy: ctx.policy, logger };
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
    notifiers: [notifier],
    accessNotifiers: [accessNotifier],
    sandboxNotifiers: [createSlackSandboxNotifier(notifierDeps)],
    postmortemNotifiers: [createSlackPostmortemNotifier(notifierDeps)],
    triageSources: [],
    async start() {
      // Warm the bot identity so the first command's ack does not wait for auth.test.
      await authorize({ isEnterpriseInstall: false, teamId: undefined, enterpriseId: undefined }).catch((err: unknown) => logger.warn({ err }, 'Slack auth.test failed; retrying on the first request'));
      if (socketApp) await socketApp.start();
    },
    async stop() {
      if (socketApp) await socketApp.stop();
    },
  };
};
