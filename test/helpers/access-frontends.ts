// Just-in-time access end to end: a real worker and the real access workflow, both front-ends built
// as `npm start` builds them (Slack and GitHub integrations with their incident and access
// notifiers), the real HTTP server, the Slack and GitHub stand-ins, and a scram-auth PostgreSQL
// target where granted roles are created. Every log line of the integrations is kept, so tests can
// prove a secret never reached one.

import { createHmac, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { GITHUB_WEBHOOK_PATH as WEBHOOK_PATH } from '../../domain/github/refs.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { slackIntegration } from '../../worker/integrations.js';
import { parseEnv } from '../../platform/config/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { SandboxSettings } from '../../activities/sandbox/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Integration } from '../../worker/integrations.js';
import { createLogger } from '../../platform/logger.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { startAccessTarget } from './access.js';
import { githubTestPolicy, PUBLIC_URL, WEBHOOK_SECRET } from './github-system.js';
import type { PgCluster } from './pg-cluster.js';
import { postSigned, SIGNING_SECRET, slashCommand, type SignedBody, type SlashCommandFields } from './slack-requests.js';
import { startTestSystem, type TestSystem } from './system.js';

export interface AccessFrontends {
  system: TestSystem;
  slack: SlackStandIn;
  github: GitHubStandIn;
  target: PgCluster;
  server: RunningServer;
  /** Every line the Slack and GitHub integrations logged (notifiers and listeners). */
  logs: string[];
  post(request: SignedBody): Promise<Response>;
  command(text: string, fields?: Partial<SlashCommandFields>): Promise<{ response: Response; replyId: string }>;
  replies(id: string): Array<Record<string, unknown>>;
  deliver(event: string, payload: unknown): Promise<{ status: number; body: { status?: string } }>;
  stop(): Promise<void>;
}

/** Sandboxes too when asked: the policy's sandboxes section and the sandbox server settings. */
export interface FrontendOptions {
  policy?: Policy;
  sandbox?: SandboxSettings;
}

export async function startAccessFrontends(options: FrontendOptions = {}): Promise<AccessFrontends> {
  const target = await startAccessTarget();
  const slack = await startSlackStandIn();
  const github = await startGitHubStandIn();
  const policy = options.policy ?? githubTestPolicy();
  const built: Integration[] = [];
  // The integrations need the system's client, so the worker gets notifiers that find them later.
  const late = (name: string) => built.find((i) => i.name === name)!;
  const system = await startTestSystem({
    policy,
    notifiers: ['slack', 'github'].map((name) => ({ name, notify: (n) => late(name).notifiers[0]!.notify(n) })),
    accessNotifiers: ['slack', 'github'].map((name) => ({
      name,
      notify: (n) => late(name).accessNotifiers![0]!.notify(n),
      canReachPrivately: (requester) => late(name).accessNotifiers![0]!.canReachPrivately?.(requester) ?? false,
    })),
    access: { postgresUrl: target.adminUrl },
    sandboxNotifiers: ['slack', 'github'].map((name) => ({ name, notify: (n) => late(name).sandboxNotifiers![0]!.notify(n) })),
    ...(options.sandbox ? { sandbox: { ...options.sandbox, resolveRelease: (repo, ref) => late('github').resolveRelease!(repo, ref) } } : {}),
    // A delivery's reply comment is posted by the GitHub integration's activity.
    activities: { postGitHubReply: (input: never) => late('github').activities!.postGitHubReply!(input) },
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    PUBLIC_URL,
    SLACK_BOT_TOKEN: VALID_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: 'ghp_standin_token_0123456789',
  });
  const ctx = { config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger, redactor: createRedactor({ extraPatterns: policy.redaction.patterns }) };
  const slackSide = await slackIntegration(ctx);
  if (!slackSide) throw new Error('the Slack integration did not build');
  built.push(slackSide, buildGitHubIntegration(ctx, config.github!, { paceWrites: false }));
  await slackSide.start?.();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: built.flatMap((i) => i.routes) });
  const post = (request: SignedBody) => postSigned(server.url, request);
  return {
    system,
    slack,
    github,
    target,
    server,
    logs,
    post,
    async command(text, fields = {}) {
      const replyId = randomUUID();
      return { response: await post(slashCommand({ text, responseUrl: slack.responseUrl(replyId), ...fields })), replyId };
    },
    replies: (id) => slack.responses.filter((r) => r.id === id).map((r) => r.body),
    async deliver(event, payload) {
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
      const headers = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature };
      const res = await fetch(`${server.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
      return { status: res.status, body: (await res.json()) as { status?: string } };
    },
    async stop() {
      await server.close();
      await system.stop();
      for (const i of built) await i.stop?.();
      await slack.close();
      await github.stop();
      await target.stop();
    },
  };
}
