// Debugging sandboxes from Slack, end to end: a signed `/incident sandbox create` in the incident
// channel, a masked copy of the PII fixture on a real sandbox server, working credentials in the
// requester's DM and nowhere else, the playbook in the channel and on the incident's GitHub issue,
// a provenance record with the release commit (from the GitHub stand-in) and the flag states, a
// recreation with the same content hash, and everything gone at expiry with the story on the timeline.

import { eq, inArray } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLink } from '../../db/queries/links.js';
import { getSandbox } from '../../db/queries/sandboxes.js';
import { auditLog, processedRequests, sandboxes, timelineEvents } from '../../db/schema/index.js';
import { sandboxName } from '../../activities/sandbox/target.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { createSlackSandboxNotifier } from '../../activities/slack/sandbox-notifier.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { VALID_TOKEN } from '../standins/slack-api.js';
import type { RecordedCall } from '../standins/slack-api.js';
import { startAccessFrontends, type AccessFrontends } from '../helpers/access-frontends.js';
import { historyText, secretsIn } from '../helpers/access-secrets.js';
import { githubTestPolicy } from '../helpers/github-system.js';
import { query, sandboxPolicy, startSandboxClusters, type SandboxClusters } from '../helpers/sandbox-clusters.js';
import { eventually } from '../helpers/system.js';

const RELEASE_SHA = '5f1c0e7a9b3d2c4e6f8a0b1c2d3e4f5a6b7c8d9e';
let env: AccessFrontends;
let clusters: SandboxClusters;

beforeAll(async () => {
  clusters = await startSandboxClusters();
  const policy = { ...githubTestPolicy(), sandboxes: sandboxPolicy().sandboxes };
  env = await startAccessFrontends({
    policy,
    sandbox: { adminUrl: clusters.sandbox.adminUrl, secret: 'slack-sandbox-test-secret', env: { SBX_TEST_SOURCE_URL: clusters.sourceUrl } },
  });
  env.github.commits.set('acme/payments', new Map([['v1.2.3', RELEASE_SHA]]));
}, 120_000);
afterAll(async () => {
  await env?.stop();
  await clusters?.stop();
});

const dmOf = (user: string) => `D${env.slack.state.idPrefix}${user}`;
const postsIn = (channel: string) => env.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const blocksOf = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);
const row = (sandbox: string) => getSandbox(env.system.database.db, sandbox);

async function replyText(replyId: string, what: string): Promise<string> {
  return eventually(async () => env.replies(replyId).map((r) => String(r.text)).find(Boolean), 15_000, what);
}

async function declareInSlack(): Promise<{ incident: string; channel: string }> {
  const { replyId } = await env.command('declare Checkout returns 502 sev:2 service:payments', { user: 'U0ALICE', userName: 'alice' });
  const incident = /(INC-\d+) declared/.exec(await replyText(replyId, 'declaration reply'))![1]!;
  const link = await eventually(async () => findLink(env.system.database.db, incident, 'slack-channel'), 20_000, 'incident channel');
  return { incident, channel: link.externalId };
}

/** Runs a sandbox command in the channel; returns the SBX-N it names once its row is ready. */
async function sandboxCommand(text: string, channel: string): Promise<string> {
  const { response, replyId } = await env.command(text, { user: 'U0ALICE', userName: 'alice', channel });
  expect(response.status).toBe(200);
  const reply = await replyText(replyId, `${text} reply`);
  const sandbox = /^(SBX-\d+) is being built from primary/.exec(reply)?.[1];
  expect(sandbox, reply).toBeDefined();
  await eventually(async () => (await row(sandbox!))?.status === 'ready', 60_000, `${sandbox} ready`);
  return sandbox!;
}

async function exists(sandbox: string): Promise<boolean> {
  const name = sandboxName(sandbox);
  const [dbs, roles] = await Promise.all([
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [name]),
  ]);
  return dbs.length + roles.length > 0;
}

describe('a sandbox from Slack', () => {
  it('DMs working credentials to the requester only, posts the playbook, records provenance, recreates the same content and is gone at expiry', { timeout: 240_000 }, async () => {
    const { incident, channel } = await declareInSlack();
    const sandbox = await sandboxCommand('sandbox create seed:42 ttl:30s release:v1.2.3', channel);

    // Credentials: a DM to alice whose URL logs in and sees masked rows.
    const credentials = await eventually(async () => postsIn(dmOf('U0ALICE')).find((c) => blocksOf(c).includes(`*${sandbox}*`) && blocksOf(c).includes('*password*')), 15_000, 'credentials DM');
    const { password, url } = secretsIn(blocksOf(credentials));
    expect(String(credentials.args.text)).not.toContain(password);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    const masked = await client.query<{ id: number; email: string }>('SELECT id, email FROM customers ORDER BY id LIMIT 20').finally(() => client.end());
    const original = await query<{ id: number; email: string }>(clusters.sourceUrl, 'SELECT id, email FROM customers WHERE id = ANY($1)', [masked.rows.map((r) => r.id)]);
    expect(masked.rows.length).toBeGreaterThan(0);
    const realEmails = new Set(original.map((r) => r.email));
    expect(masked.rows.filter((r) => realEmails.has(r.email))).toEqual([]);

    // Provenance: the release commit from GitHub, flag states (none: no flag provider here), hashes.
    const stored = (await row(sandbox))!;
    expect(stored.provenance).toMatchObject({ seed: 42, release: { ref: 'v1.2.3', sha: RELEASE_SHA }, flags: {}, requester: 'alice', ttlSeconds: 30 });
    expect(env.github.callsTo('GET', /^\/repos\/acme\/payments\/commits\/v1\.2\.3$/)).toHaveLength(1);
    const contentHash = stored.contentHash!;
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);

    // The playbook: in the channel and as a comment on the incident's issue, with the resolved fields.
    const playbook = await eventually(async () => postsIn(channel).find((c) => c.args.text === `Reproduction playbook for ${sandbox}`), 15_000, 'playbook in the channel');
    expect(blocksOf(playbook)).toContain(contentHash);
    expect(blocksOf(playbook)).toContain(`commit \`${RELEASE_SHA}\``);
    expect(blocksOf(playbook)).toContain("Flags at the incident's start: none recorded");
    const issue = (await findLink(env.system.database.db, incident, 'github-issue'))!.externalId;
    const [repo, number] = issue.split('#') as [string, string];
    const comment = await eventually(async () => env.github.commentsOn(repo, Number(number)).find((c) => c.body.includes(`Reproduction playbook: ${sandbox}`)), 15_000, 'playbook on the issue');
    expect(comment.body).toContain(contentHash);

    // Recreate: the same content hash, said on the timeline.
    const again = await sandboxCommand(`sandbox recreate ${sandbox}`, channel);
    expect((await row(again))!.contentHash).toBe(contentHash);

    // Expiry: both databases and roles go; the timeline holds provenance and teardown.
    const db = env.system.database.db;
    await eventually(async () => (await db.select().from(sandboxes).where(inArray(sandboxes.key, [sandbox, again]))).every((r) => r.status === 'destroyed'), 90_000, 'expiry');
    expect(await exists(sandbox)).toBe(false);
    expect(await exists(again)).toBe(false);
    const timeline = await db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, incident));
    const said = (s: string, action: string) => timeline.find((t) => t.details.sandbox === s && t.details.action === action)?.text ?? '';
    expect(said(sandbox, 'sandbox.ready')).toMatch(new RegExp(`Provenance: .*release v1\\.2\\.3 \\(${RELEASE_SHA.slice(0, 12)}\\).*content ${contentHash.slice(0, 16)}`));
    expect(said(again, 'sandbox.ready')).toContain(`same content as ${sandbox}`);
    expect(said(sandbox, 'sandbox.destroy')).toMatch(/destroyed: database and role removed/);
    const onTimeline = timeline.find((t) => t.details.sandbox === sandbox && t.details.action === 'sandbox.playbook');
    expect(String(onTimeline?.details.markdown)).toContain(`commit \`${RELEASE_SHA}\``);

    // The password is in alice's DM and nowhere else.
    const elsewhere = {
      slackCalls: env.slack.calls.filter((c) => c !== credentials),
      slackReplies: env.slack.responses,
      github: [env.github.calls, env.github.comments],
      logs: env.logs,
      timeline,
      audit: await db.select().from(auditLog).where(inArray(auditLog.subject, [sandbox, again, incident])),
      sandboxRows: await db.select().from(sandboxes).where(inArray(sandboxes.key, [sandbox, again])),
      processed: await db.select().from(processedRequests),
    };
    for (const [where, value] of Object.entries(elsewhere)) expect(JSON.stringify(value).includes(password), where).toBe(false);
    const histories = await Promise.all([`sandbox:${sandbox}`, `incident:${incident}`].map(async (id) => historyText(await env.system.client.workflow.getHandle(id).fetchHistory())));
    // The decoded history names the role (a reference, not a secret), so the search does see payloads.
    expect(histories[0]!.includes(sandboxName(sandbox))).toBe(true);
    for (const history of histories) expect(history.includes(password), 'workflow history').toBe(false);
  });

  it('DMs a GitHub or CLI requester at the Slack ID the policy gives them, and skips (logging no secret) one it has none for', async () => {
    const logs: string[] = [];
    const notifier = createSlackSandboxNotifier({
      api: createSlackApi(createSlackWebClient({ token: VALID_TOKEN, apiUrl: env.slack.apiUrl })),
      db: env.system.database.db,
      policy: () => env.system.policy,
      redactor: createRedactor(),
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } }),
    });
    const notice = (requester: { source: 'github' | 'cli'; id: string }, password: string) => ({
      kind: 'credentials' as const, sandbox: 'SBX-900', incident: 'INC-900', key: `SBX-900:credentials:${password}`, requester,
      url: `postgres://sandbox_sbx_900:${password}@127.0.0.1:5432/sandbox_sbx_900`, role: 'sandbox_sbx_900', validUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    await notifier.notify(notice({ source: 'github', id: 'Codertocat' }, 'mapped-pass-1'));
    expect(postsIn(dmOf('U0CODER')).some((c) => blocksOf(c).includes('*password*: `mapped-pass-1`'))).toBe(true);
    const before = env.slack.calls.length;
    await notifier.notify(notice({ source: 'cli', id: 'nobody-known' }, 'unmapped-pass-2'));
    // Earlier tests' sandboxes may still be calling Slack; none of those calls is about SBX-900.
    expect(env.slack.calls.slice(before).filter((c) => JSON.stringify(c.args).includes('SBX-900'))).toEqual([]);
    expect(logs.join('\n')).toContain('no Slack ID');
    expect(logs.join('\n')).not.toMatch(/mapped-pass|postgres:\/\//);
  });
});
