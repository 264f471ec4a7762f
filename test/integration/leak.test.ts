// The leak test (issue 9): one corpus of sensitive values pushed through every path that leaves
// Firebreak — Slack messages and ephemeral replies, GitHub issues, comments and the committed
// postmortem, the dashboard's pages, the logs and the CLI — then everything the stand-ins recorded
// and every log line is scanned. Nothing of the corpus may appear anywhere.

import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { slackIntegration } from '../../worker/integrations.js';
import { postmortems } from '../../db/schema/index.js';
import { parseEnv } from '../../platform/config/index.js';
import { createRedactor } from '../../domain/redact.js';
import { dashboardRoutes } from '../../web/routes.js';
import type { Integration } from '../../worker/integrations.js';
import { createLogger } from '../../platform/logger.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { runCli } from '../helpers/run-cli.js';
import { TEST_ENCRYPTION_KEYS_ENV } from '../helpers/encryption.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../helpers/slack-requests.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const DASHBOARD_TOKEN = 'leak-test-dashboard-token-0123456789';

/** Each value is what must never leave; `text` is how a person would type it into a message. */
const CORPUS = {
  email: 'jane.doe@customer-example.com',
  phone: '+1 415 555 0134',
  card: '4111 1111 1111 1111',
  slackToken: 'xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx',
  githubToken: 'ghp_R7d2Kq9ZxW3mN8bV1cT6yH4uJ0pL5sA2eF9g',
  awsKey: 'AKIAQ3EGRXYZ7EXAMPLE',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjdXN0b21lci00MiJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl',
  ipv4: '198.51.100.77',
  policyPattern: 'acme_live_Zx8Qw2Er4Ty6Ui8Op0As2Df4',
  urlPassword: 'hunter2-s3cret-pw',
  privateKeyBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7leaktest',
} as const;

const sentence = [
  `customer ${CORPUS.email} called from ${CORPUS.phone}`,
  `card ${CORPUS.card}`,
  `token ${CORPUS.slackToken} and ${CORPUS.githubToken}`,
  `aws ${CORPUS.awsKey}`,
  `session ${CORPUS.jwt}`,
  `from ${CORPUS.ipv4}`,
  `key ${CORPUS.policyPattern}`,
  `db postgres://admin:${CORPUS.urlPassword}@db.internal:5432/shop`,
].join(', ');
const privateKey = `-----BEGIN PRIVATE KEY-----\n${CORPUS.privateKeyBody}\n-----END PRIVATE KEY-----`;

let system: TestSystem;
let slack: SlackStandIn;
let github: GitHubStandIn;
let server: RunningServer;
const logLines: string[] = [];
const outputs: { where: string; text: string }[] = [];
const integrations: Integration[] = [];

beforeAll(async () => {
  slack = await startSlackStandIn();
  github = await startGitHubStandIn();
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: capture });
  const built: { slack?: Integration; github?: Integration } = {};
  system = await startTestSystem({
    logger,
    notifiers: [
      { name: 'slack', notify: (n) => built.slack!.notifiers[0]!.notify(n) },
      { name: 'github', notify: (n) => built.github!.notifiers[0]!.notify(n) },
    ],
    postmortemNotifiers: [
      { name: 'slack', notify: (n) => built.slack!.postmortemNotifiers![0]!.notify(n) },
      { name: 'github', notify: (n) => built.github!.postmortemNotifiers![0]!.notify(n) },
    ],
    postmortemPublisher: {
      publishDocument: (i) => built.github!.postmortemPublisher!.publishDocument(i),
      createActionIssue: (i) => built.github!.postmortemPublisher!.createActionIssue(i),
      setIssueState: (i) => built.github!.postmortemPublisher!.setIssueState(i),
    },
  });
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    SLACK_BOT_TOKEN: VALID_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    GITHUB_TOKEN: 'ghp_standin_token_0123456789',
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: 'leak-test-webhook-secret-0123',
    DASHBOARD_TOKEN,
  });
  const redactor = createRedactor({ extraPatterns: system.policy.redaction.patterns });
  const ctx = { config, policy: system.policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger, redactor };
  built.slack = (await slackIntegration(ctx))!;
  built.github = buildGitHubIntegration(ctx, config.github!, { paceWrites: false });
  integrations.push(built.slack, built.github);
  await built.slack.start?.();
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger,
    routes: [...built.slack.routes, ...built.github.routes, ...dashboardRoutes({ db: system.database.db, policy: system.policy, redactor, logger, token: DASHBOARD_TOKEN })],
  });
});

afterAll(async () => {
  await server?.close();
  for (const i of integrations) await i.stop?.();
  await system?.stop();
  await slack?.close();
  await github?.stop();
});

async function slash(text: string, channel?: string): Promise<string> {
  const replyId = randomUUID();
  const res = await postSigned(server.url, slashCommand({ text, user: 'U0ALICE', userName: 'alice', responseUrl: slack.responseUrl(replyId), ...(channel ? { channel } : {}) }));
  expect(res.status).toBe(200);
  // Usage errors come back in the ack itself; everything else through response_url.
  const ack = await res.text();
  if (ack) {
    outputs.push({ where: 'slack ack', text: ack });
    return ack;
  }
  const body = await eventually(async () => slack.responses.find((r) => r.id === replyId)?.body, 20_000, `the reply to ${text.slice(0, 30)}`);
  return String(body.text ?? JSON.stringify(body));
}

describe('nothing sensitive leaves Firebreak', () => {
  it('redacts the corpus on every outbound path', async () => {
    const declared = await slash(`declare Checkout fails for ${CORPUS.email} card ${CORPUS.card} from ${CORPUS.ipv4} key ${CORPUS.policyPattern} sev:2 service:payments`);
    const key = /(INC-\d+)/.exec(declared)?.[1];
    expect(key, declared).toBeDefined();
    const channel = await eventually(async () => slack.callsTo('conversations.create')[0]?.response.channel as { id: string } | undefined, 20_000, 'the incident channel');
    await slash(`note ${sentence}`, channel.id);
    await slash(`update ${sentence} ${privateKey.replace(/\n/g, ' ')}`, channel.id);
    // A refused command echoes what it could not read.
    await slash(`sev 9 ${sentence}`, channel.id);
    await slash(`role commander <@U0ALICE>`, channel.id);
    await slash(`mitigated ${sentence}`, channel.id);
    await slash(`resolve ${sentence}`, channel.id);
    await eventually(async () => (await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key!))).length > 0, 20_000, 'the postmortem draft');
    await slash(`action add rotate ${CORPUS.githubToken} for ${CORPUS.email} owner:@alice due:2030-01-31`, channel.id);
    await slash('postmortem publish', channel.id);
    await eventually(async () => github.file('acme/postmortems', `postmortems/${key}.md`), 20_000, 'the committed postmortem');
    // The GitHub tracking issue mirrors the timeline as comments.
    await eventually(async () => github.comments.length >= 3, 20_000, 'GitHub comments');

    // The dashboard, as a manager sees it.
    for (const path of [`/incidents/${key}`, '/incidents', '/actions?status=all', '/actions.csv?status=all', '/', '/incident-metrics', '/charts']) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
      expect(res.status, path).toBe(200);
      outputs.push({ where: `dashboard ${path}`, text: await res.text() });
    }
    // The CLI.
    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace'), TEMPORAL_TASK_QUEUE: system.taskQueue, FIREBREAK_USER: 'alice', FIREBREAK_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS_ENV, FIREBREAK_CONFIG: fileURLToPath(new URL('../fixtures/policy.yaml', import.meta.url)) };
    for (const args of [['status', key!], ['status', key!, '--json'], ['run', `${key} note ${sentence}`]]) {
      const out = await runCli(args, env);
      outputs.push({ where: `cli ${args[0]}`, text: out.stdout + out.stderr });
    }
    expect(outputs.find((o) => o.where === 'cli status')?.text).toContain(key);

    outputs.push({ where: 'slack api calls', text: JSON.stringify(slack.calls) });
    outputs.push({ where: 'slack response_url posts', text: JSON.stringify(slack.responses) });
    outputs.push({ where: 'github api calls', text: JSON.stringify(github.calls) });
    outputs.push({ where: 'github issues', text: JSON.stringify([...github.issues.values()].flatMap((m) => [...m.values()])) });
    outputs.push({ where: 'github comments', text: JSON.stringify(github.comments) });
    outputs.push({ where: 'github postmortem file', text: github.file('acme/postmortems', `postmortems/${key}.md`)!.content });
    outputs.push({ where: 'logs', text: logLines.join('') });

    // The corpus really went through: every path saw redaction markers, and the text around them.
    expect(JSON.stringify(slack.calls)).toMatch(/\[REDACTED:email#[0-9a-f]{8}\]/);
    expect(github.file('acme/postmortems', `postmortems/${key}.md`)!.content).toMatch(/\[REDACTED:card#[0-9a-f]{8}\]/);
    expect(outputs.find((o) => o.where === `dashboard /incidents/${key}`)?.text).toMatch(/\[REDACTED:jwt#[0-9a-f]{8}\]/);
    expect(logLines.length).toBeGreaterThan(10);

    // Within the incident one value is one token on every path, so people can still follow "the
    // same customer" through the channel, the issue, the postmortem, the dashboard and the CLI.
    const incidentPaths = ['slack api calls', 'slack response_url posts', 'github comments', 'github postmortem file', `dashboard /incidents/${key}`, 'cli status'];
    for (const kind of ['email', 'card', 'ipv4', 'acme-api-key']) {
      const seen = incidentPaths.map((where) => {
        const text = outputs.find((o) => o.where === where)!.text;
        return [where, [...new Set(text.match(new RegExp(`\\[REDACTED:${kind}#[0-9a-f]{8}\\]`, 'g')) ?? [])]] as const;
      });
      const tokens = new Set(seen.flatMap(([, t]) => t));
      expect(tokens.size, `${kind}: ${JSON.stringify(seen)}`).toBe(1);
      expect(seen.filter(([, t]) => t.length === 1).length, `${kind}: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(4);
    }

    const leaks = outputs.flatMap((o) => Object.entries(CORPUS).filter(([, v]) => o.text.includes(v) || o.text.includes(v.replace(/ /g, ''))).map(([k]) => `${k} in ${o.where}`));
    expect(leaks).toEqual([]);
  });
});
