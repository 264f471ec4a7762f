// Wires a Bolt app to a receiver: listeners by kind, one callback per file. The same listeners
// serve HTTP (our receiver on the shared server) and Socket Mode.

import { App, LogLevel, type Authorize, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../platform/logger.js';
import type { SlackDeps } from './listeners/deps.js';
import { registerActions } from './listeners/actions/index.js';
import { registerCommands } from './listeners/commands/index.js';
import { registerEvents } from './listeners/events/index.js';
import { registerViews } from './listeners/views/index.js';

export function createSlackApp(options: { receiver: Receiver; deps: SlackDeps; authorize: Authorize<boolean>; apiUrl: string }): App {
  const app = new App({
    receiver: options.receiver,
    authorize: options.authorize,
    logger: boltLogger(options.deps.logger),
    // ack() must answer Slack at once; listeners carry on after it.
    processBeforeResponse: false,
    // No listener keeps conversation state; Bolt's store would otherwise reject, with an Error and
    // its stack, a lookup on every request.
    convoStore: false,
    // The listener's own calls (views.open, respond) are the answer to a person: no long retries.
    clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 1, maxTimeout: 1_000 }, timeout: 5_000 },
  });
  registerCommands(app, options.deps);
  registerActions(app, options.deps);
  registerViews(app, options.deps);
  registerEvents(app, options.deps);
  app.error(async (err) => {
    options.deps.logger.error({ err }, 'Slack listener error');
  });
  return app;
}

/**
 * A single workspace's bot token, with the bot's own IDs from one `auth.test` that is cached, and
 * asked again only if it failed, so a Slack outage at start-up does not poison every request.
 */
export function botAuthorization(client: WebClient, botToken: string): Authorize<boolean> {
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  return async () => {
    identity ??= client.auth.test({ token: botToken }).then((r) => ({ botId: r.bot_id, botUserId: r.user_id }));
    const current = identity;
    try {
      return { botToken, ...(await current) };
    } catch (err) {
      if (identity === current) identity = undefined;
      throw err;
    }
  };
}

function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
