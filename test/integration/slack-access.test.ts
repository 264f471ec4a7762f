// Just-in-time access from Slack, end to end: a signed `/incident access` in the incident channel,
// the approval request with buttons in the channel and in the approver's DM, a signed Approve click,
// working PostgreSQL credentials in the requester's DM and nowhere else, the grant on the pinned
// summary, and the role gone at expiry with the whole story in the audit chain.

import { eq, inArray } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/audit.js';
import { findLink } from '../../db/queries/links.js';
import { accessGrants, auditLog, processedRequests, timelineEvents } from '../../db/schema/index.js';
import type { RecordedCall } from '../standins/slack-api.js';
import { startAccessFrontends, type AccessFrontends } from '../helpers/access-frontends.js';
import { historyText, secretsIn } from '../helpers/access-secrets.js';
import { blockAction } from '../helpers/slack-requests.js';
import { loginError } from '../helpers/access.js';
import { eventually } from '../helpers/system.js';

let env: AccessFrontends;

beforeAll(async () => {
  env = await startAccessFrontends();
});
afterAll(async () => {
  await env?.stop();
});

const dmOf = (user: string) => `D${env.slack.state.idPrefix}${user}`;
const postsIn = (channel: string) => env.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const blocksOf = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);
const hasButton = (call: RecordedCall, actionId: string, grant: string) => blocksOf(call).includes(`"action_id":"${actionId}"`) && blocksOf(call).includes(`"value":"${grant}"`);

async function replyText(replyId: string, what: string): Promise<string> {
  return eventually(async () => env.replies(replyId).map((r) => String(r.text)).find(Boolean), 15_000, what);
}

/** Declares from #general; returns the incident and its channel once the summary is pinned. */
async function declareInSlack(): Promise<{ incident: string; channel: string; summaryTs: string }> {
  const { replyId } = await env.command('declare Checkout returns 502 sev:2 service:payments', { user: 'U0ALICE', userName: 'alice' });
  const incident = /(INC-\d+) declared/.exec(await replyText(replyId, 'declaration reply'))![1]!;
  const link = await eventually(async () => {
    const row = await findLink(env.system.database.db, incident, 'slack-channel');
    return typeof row?.data.summaryTs === 'string' ? row : undefined;
  }, 20_000, 'incident channel with its pinned summary');
  return { incident, channel: link.externalId, summaryTs: String(link.data.summaryTs) };
}

async function click(actionId: string, grant: string, user: string, userName: string, channel: string): Promise<string> {
  const replyId = `${actionId}-${user}-${Date.now()}`;
  const res = await env.post(blockAction({ actionId, value: grant, user, userName, channel, responseUrl: env.slack.responseUrl(replyId) }));
  expect(res.status).toBe(200);
  return replyText(replyId, `${actionId} reply for ${userName}`);
}

async function canSelect(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query('SELECT id, status FROM payments ORDER BY id')).rows;
  } finally {
    await client.end();
  }
}

describe('just-in-time access from Slack', () => {
  it('requests db-readonly, is approved with a button by someone else, DMs working credentials to the requester only, and revokes at expiry', { timeout: 150_000 }, async () => {
    const { incident, channel, summaryTs } = await declareInSlack();

    const { response, replyId } = await env.command('access db-readonly 30s checking 502s', { user: 'U0ALICE', userName: 'alice', channel });
    expect(response.status).toBe(200);
    const requested = await replyText(replyId, 'access request reply');
    const grant = /(GR-\d+) is waiting for approval/.exec(requested)?.[1];
    expect(grant, requested).toBeDefined();

    // The request reaches the channel and carol (team sre, db-readonly's approvers) by DM, with buttons.
    const inChannel = await eventually(async () => postsIn(channel).find((c) => hasButton(c, 'grant_approve', grant!)), 15_000, 'approval request in the channel');
    const toCarol = await eventually(async () => postsIn(dmOf('U0CAROL')).find((c) => hasButton(c, 'grant_approve', grant!)), 15_000, 'approval request DM');
    expect(env.slack.callsTo('conversations.open').some((c) => c.args.users === 'U0CAROL')).toBe(true);
    for (const call of [inChannel, toCarol]) {
      expect(hasButton(call, 'grant_deny', grant!)).toBe(true);
      expect(blocksOf(call)).toMatch(/<@U0ALICE>.*db-readonly.*30 ?s.*INC-\d+.*needs 1 approval\(s\) from team sre/s);
      expect(blocksOf(call)).toContain('checking 502s');
    }

    // Separation of duties: the requester's own click is refused, to her alone, in one sentence.
    expect(await click('grant_approve', grant!, 'U0ALICE', 'alice', channel)).toBe(`You cannot approve your own access request ${grant}; another approver must.`);
    expect((await env.system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant!)))[0]).toMatchObject({ status: 'pending' });

    expect(await click('grant_approve', grant!, 'U0CAROL', 'carol', dmOf('U0CAROL'))).toMatch(new RegExp(`${grant} \\(db-readonly\\)`));
    const credentials = await eventually(async () => postsIn(dmOf('U0ALICE')).find((c) => blocksOf(c).includes('*password*')), 20_000, 'credentials DM');
    const { password, url } = secretsIn(blocksOf(credentials));
    expect(String(credentials.args.text)).not.toContain(password);
    expect(await canSelect(url)).toEqual([{ id: 1, status: 'failed' }, { id: 2, status: 'ok' }]);

    // Who decided: the requester's DM says so, and both approval messages lose their buttons.
    await eventually(async () => postsIn(dmOf('U0ALICE')).find((c) => String(c.args.text).includes('<@U0CAROL> approved')), 15_000, 'decision DM');
    for (const posted of [inChannel, toCarol]) {
      const redrawn = await eventually(async () => env.slack.callsTo('chat.update').filter((c) => c.args.ts === posted.response.ts).at(-1), 15_000, 'approval message redrawn');
      expect(blocksOf(redrawn)).toContain('<@U0CAROL> approved');
      expect(blocksOf(redrawn)).not.toContain('grant_approve');
    }

    // The pinned summary lists the grant.
    await eventually(async () => env.slack.callsTo('chat.update').some((c) => c.args.ts === summaryTs && blocksOf(c).includes(`*${grant}*`)), 15_000, 'grant on the pinned summary');

    // Shortly before expiry the requester is warned, with a button to extend.
    const warning = await eventually(async () => postsIn(dmOf('U0ALICE')).find((c) => hasButton(c, 'grant_extend', grant!)), 40_000, 'expiry warning DM');
    expect(blocksOf(warning)).toContain('expires');

    // At expiry the role goes, the login fails, and the requester and the channel are told.
    await eventually(async () => postsIn(dmOf('U0ALICE')).find((c) => /expired/.test(String(c.args.text))), 60_000, 'ended DM');
    expect(await loginError(url)).toMatch(/password authentication failed|does not exist/);
    // The channel's notice leaves after the DM's.
    await eventually(async () => postsIn(channel).some((c) => String(c.args.text).includes(`${grant} (db-readonly) expired`)), 15_000, 'expiry in the channel');
    expect((await env.system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant!)))[0]).toMatchObject({ status: 'expired' });

    // The password exists in exactly one place outside the target server: alice's DM.
    const db = env.system.database.db;
    const elsewhere = {
      slackCalls: env.slack.calls.filter((c) => c !== credentials),
      slackReplies: env.slack.responses,
      github: [env.github.calls, env.github.comments],
      logs: env.logs,
      timeline: await db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, incident)),
      audit: await db.select().from(auditLog).where(inArray(auditLog.subject, [grant!, incident])),
      grantRow: await db.select().from(accessGrants).where(eq(accessGrants.key, grant!)),
      processed: await db.select().from(processedRequests),
    };
    for (const [where, value] of Object.entries(elsewhere)) expect(JSON.stringify(value).includes(password), where).toBe(false);
    const histories = await Promise.all([`grant:${grant}`, `incident:${incident}`].map(async (id) => historyText(await env.system.client.workflow.getHandle(id).fetchHistory())));
    // The search reads decoded payloads: the role name (a reference, not a secret) is found in them.
    expect(histories[0]!.includes(`firebreak_${grant!.toLowerCase().replace('-', '_')}`)).toBe(true);
    for (const history of histories) expect(history.includes(password), 'workflow history').toBe(false);

    const story = await db.select().from(auditLog).where(eq(auditLog.subject, grant!)).orderBy(auditLog.seq);
    // alice's refused self-approval is part of the story too.
    expect(story.map((r) => r.action)).toEqual(['access.request', 'authz.refused.approveAccess', 'access.approve', 'access.activate', 'access.expire']);
    expect(story[1]!.actor).toMatchObject({ source: 'slack', id: 'U0ALICE' });
    expect(story[2]!.actor).toMatchObject({ source: 'slack', id: 'U0CAROL' });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
