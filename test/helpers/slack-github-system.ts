// Slack and GitHub together around one real worker, as `npm start` wires them: both stand-ins, both
// integrations, one HTTP server. For tests that follow one incident from a Slack command to its
// GitHub mirror (the output-neutralisation attacks in test/security/).

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { slackIntegration } from '../../worker/integrations.js';
import { parseEnv } from '../../platform/config/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { Integration } from '../../worker/integrations.js';
import type { Policy } from '../../domain/policy/index.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { postSigned, SIGNING_SECRET, slashCommand, type SlashCommandFields } from './slack-requests.js';
import { eventually, startTestSystem, type TestSystem } from './system.js';
import { testLogger } from './test-log.js';

export interface SlackGitHubSystem {
  system: TestSystem;
  slack: SlackStandIn;
  github: GitHubStandIn;
  server: RunningServer;
  /** Runs `/incident <text>` as Slack sends it and returns the reply's text (ack or response_url). */
  command(text: string, fields?: Partial<SlashCommandFields>): Promise<string>;
  stop(): Promise<void>;
}

export async function startSlackGitHubSystem(options: { policy?: Policy } = {}): Promise<SlackGitHubSystem> {
  const slack = await startSlackStandIn({ users: [{ id: 'U0DAVE', name: 'dave', real_name: 'Dave Outsider' }] });
  const github = await startGitHubStandIn();
  const built: { slack?: Integration; github?: Integration } = {};
  const system = await startTestSystem({
    ...(options.policy ? { policy: options.policy } : {}),
    notifiers: [
      { name: 'slack', notify: (n) => built.slack!.notifiers[0]!.notify(n) },
      { name: 'github', notify: (n) => built.github!.notifiers[0]!.notify(n) },
    ],
  });
  const logger = testLogger();
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    SLACK_BOT_TOKEN: VALID_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    GITHUB_TOKEN: 'ghp_standin_token_0123456789',
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: 'security-test-webhook-secret-0123',
  });
  const redactor = createRedactor({ extraPatterns: system.policy.redaction.patterns });
  const ctx = { config, policy: system.policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger, redactor };
  built.slack = (await slackIntegration(ctx))!;
  built.github = buildGitHubIntegration(ctx, config.github!, { paceWrites: false });
  await built.slack.start?.();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: [...built.slack.routes, ...built.github.routes] });
  return {
    system,
    slack,
    github,
    server,
    async command(text, fields = {}) {
      const replyId = randomUUID();
      const res = await postSigned(server.url, slashCommand({ text, user: 'U0ALICE', userName: 'alice', responseUrl: slack.responseUrl(replyId), ...fields }));
      if (res.status !== 200) throw new Error(`/incident ${text.slice(0, 40)} answered ${res.status}`);
      const ack = await res.text();
      if (ack) return ack;
      const body = await eventually(async () => slack.responses.find((r) => r.id === replyId)?.body, 20_000, `the reply to ${text.slice(0, 40)}`);
      return String(body.text ?? JSON.stringify(body));
    },
    async stop() {
      await server.close();
      await built.slack?.stop?.();
      await built.github?.stop?.();
      await system.stop();
      await slack.close();
      await github.stop();
    },
  };
}
