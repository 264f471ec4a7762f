// The whole Slack path for one test file: a real worker and real activities (startTestSystem), the
// Slack integration built as `npm start` builds it, the real HTTP server, and the Web API stand-in.

import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { slackIntegration } from '../../worker/integrations.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { parseEnv } from '../../platform/config/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { Integration } from '../../worker/integrations.js';
import type { IncidentNotifier } from '../../activities/notify.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { postSigned, SIGNING_SECRET, slashCommand, type SignedBody, type SignOptions, type SlashCommandFields } from './slack-requests.js';
import { startTestSystem, type TestSystem } from './system.js';
import { testLogger } from './test-log.js';
import type { AccessNotice } from '../../activities/access/notifier.js';
import type { Actor } from '../../domain/incident.js';
import type { PostmortemNotice } from '../../workflows/postmortem/messages.js';

type IncidentNoticeOf<T extends IncidentNotifier[]> = Parameters<T[number]['notify']>[0];

/** The integration's notifier of that name (built after the system, so looked up at each notice). */
function named<T extends { name: string }>(notifiers: T[], name: string): T {
  const found = notifiers.find((n) => n.name === name);
  if (!found) throw new Error(`the Slack integration has no ${name} notifier`);
  return found;
}

export interface SlackHarness {
  system: TestSystem;
  slack: SlackStandIn;
  server: RunningServer;
  post(request: SignedBody, options?: SignOptions): Promise<Response>;
  /** Runs `/incident <text>`; returns the HTTP answer and the id its response_url posts are filed under. */
  command(text: string, fields?: Partial<SlashCommandFields>): Promise<{ response: Response; replyId: string }>;
  /** What the app posted to a response_url, once it did. */
  replies(id: string): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * `extraNotifiers` run after Slack's, as the worker runs every integration's notifiers (e.g. PagerDuty).
 * `appHome` also wires the integration's access and postmortem notifiers and its App Home refresh.
 */
export async function startSlackHarness(
  options: Omit<NonNullable<Parameters<typeof startTestSystem>[0]>, 'notifiers'> & { extraNotifiers?: IncidentNotifier[]; appHome?: boolean } = {},
): Promise<SlackHarness> {
  const { extraNotifiers = [], appHome = false, ...systemOptions } = options;
  const slack = await startSlackStandIn({ users: [{ id: 'U0DAVE', name: 'dave', real_name: 'Dave Outsider' }] });
  const built: { integration?: Integration } = {};
  const system = await startTestSystem({
    ...systemOptions,
    // The notifier is built with the integration below, once the system's client exists.
    notifiers: [
      { name: 'slack', notify: (notice) => built.integration!.notifiers[0]!.notify(notice) },
      ...(appHome ? [{ name: 'slack-home', notify: (notice: IncidentNoticeOf<typeof extraNotifiers>) => named(built.integration!.notifiers, 'slack-home').notify(notice) }] : []),
      ...extraNotifiers,
    ],
    ...(appHome
      ? {
          accessNotifiers: ['slack', 'slack-home'].map((name) => ({
            name,
            notify: (notice: AccessNotice) => named(built.integration!.accessNotifiers ?? [], name).notify(notice),
            canReachPrivately: (requester: Actor) => named(built.integration!.accessNotifiers ?? [], name).canReachPrivately?.(requester) ?? false,
          })),
          postmortemNotifiers: ['slack', 'slack-home'].map((name) => ({ name, notify: (notice: PostmortemNotice) => named(built.integration!.postmortemNotifiers ?? [], name).notify(notice) })),
        }
      : {}),
  });
  const logger = testLogger();
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    SLACK_BOT_TOKEN: VALID_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
  });
  const integration = await slackIntegration({
    config,
    policy: system.policy,
    db: system.database.db,
    client: system.client,
    taskQueue: system.taskQueue,
    logger,
    redactor: createRedactor({ extraPatterns: system.policy.redaction.patterns }),
  });
  if (!integration) throw new Error('the Slack integration did not build');
  built.integration = integration;
  await integration.start?.();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: integration.routes });
  const post = (request: SignedBody, options?: SignOptions) => postSigned(server.url, request, options);
  return {
    system,
    slack,
    server,
    post,
    async command(text, fields = {}) {
      const replyId = randomUUID();
      const response = await post(slashCommand({ text, responseUrl: slack.responseUrl(replyId), ...fields }));
      return { response, replyId };
    },
    replies: (id) => slack.responses.filter((r) => r.id === id).map((r) => r.body),
    async stop() {
      await integration.stop?.();
      await server.close();
      await system.stop();
      await slack.close();
    },
  };
}
