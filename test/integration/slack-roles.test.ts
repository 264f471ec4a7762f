// Roles with instructions (issue 17 §2) over the real stack: signed Slack commands into the running
// server, the incident workflow on the dev server, real activities on Postgres and the Slack Web API
// stand-in. Giving someone a policy role DMs them its instructions and the incident's links once;
// `status` and the pinned summary show every role; an unfilled required role is nudged; a role the
// policy does not know is refused with the roles it knows, and nothing is written.

import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackRoleActivities } from '../../activities/slack/role-instructions.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { auditLog, timelineEvents } from '../../db/schema/index.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import * as msg from '../../workflows/incident/messages.js';
import { VALID_TOKEN } from '../standins/slack-api.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually, loadTestPolicy } from '../helpers/system.js';
import { testLogger } from '../helpers/test-log.js';

const PUBLIC_URL = 'https://firebreak.example.com';
const base = loadTestPolicy();
// SEV2 nudges a missing commander after 3 s in the test policy; required roles use the same cadence.
const policy: Policy = {
  ...base,
  roles: {
    'ops-lead': { instructions: 'Open the ops bridge and keep <the runbook> at hand.', required: false },
    'customer-liaison': { description: 'Speaks for the affected customers.', instructions: 'Call the account managers of every customer on the status page.', required: true, severities: ['SEV2'] },
  },
};

let h: SlackHarness;
let roleActivities: ReturnType<typeof createSlackRoleActivities> | undefined;
beforeAll(async () => {
  // The worker's Slack outbound serves sendRoleInstructions; it is built once the stand-in is up.
  h = await startSlackHarness({
    policy,
    activities: { sendRoleInstructions: (input: msg.RoleInstructionsInput) => roleActivities!.sendRoleInstructions(input) },
  });
  roleActivities = createSlackRoleActivities({
    api: createSlackApi(createSlackWebClient({ token: VALID_TOKEN, apiUrl: h.slack.apiUrl })),
    db: h.system.database.db,
    redactor: createRedactor({ extraPatterns: policy.redaction.patterns }),
    logger: testLogger(),
    policy: () => policy,
    publicUrl: PUBLIC_URL,
  });
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.system.database.db;

async function run(text: string, fields: { channel?: string; user?: string; userName?: string } = {}): Promise<string> {
  const { response, replyId } = await h.command(text, fields);
  expect(response.status).toBe(200);
  const immediate = await response.text();
  if (immediate) return String((JSON.parse(immediate) as { text: string }).text);
  return String((await eventually(async () => h.replies(replyId)[0], 15_000, 'response_url reply')).text);
}

async function declare(title: string): Promise<{ key: string; channel: string; summaryTs: string }> {
  const declared = await run(`declare ${title} sev:2 service:payments`, { user: 'U0ALICE', userName: 'alice' });
  const key = /^(INC-\d+) declared/.exec(declared)?.[1];
  expect(key, declared).toBeDefined();
  const link = await eventually(async () => (await findLink(db(), key!, 'slack-channel'))?.data.pinned === true && findLink(db(), key!, 'slack-channel'), 15_000, 'pinned summary');
  return { key: key!, channel: link!.externalId, summaryTs: String(link!.data.summaryTs) };
}

const roleRows = async (key: string) =>
  db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'role'))).orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
const dmsTo = (user: string) => [...h.slack.state.channels.values()].filter((c) => c.id.startsWith('D') && c.members.has(user)).flatMap((c) => c.messages);
const summary = (channel: string, ts: string) => JSON.stringify(h.slack.state.channels.get(channel)?.messages.find((m) => m.ts === ts)?.blocks ?? []);

describe('roles with instructions', () => {
  it('DMs the holder of a policy role its instructions and the incident links, once', async () => {
    const { key, channel } = await declare('Checkout slow for <!channel> everyone');
    expect(await run('role ops-lead <@U0BOB|bob>', { channel, user: 'U0ALICE', userName: 'alice' })).toContain(key);

    const dm = await eventually(async () => dmsTo('U0BOB').find((m) => m.text.includes(`*${key}*`)), 15_000, 'role DM');
    expect(dm.text).toContain('You are now the *ops-lead*');
    expect(dm.text).toContain('Open the ops bridge and keep &lt;the runbook&gt; at hand.');
    expect(dm.text).toContain(`channel <#${channel}>`);
    expect(dm.text).toContain(`<${PUBLIC_URL}/incidents/${key}|dashboard>`);
    expect(dm.text).toContain('&lt;!channel&gt;');
    expect(dm.text).not.toContain('<!channel>');
    expect(h.slack.callsTo('conversations.open').filter((c) => c.args.users === 'U0BOB')).toHaveLength(1);

    // A role without instructions (scribe here) sends no DM: after the commander's summary shows
    // the scribe, still exactly one DM went to anyone about this incident.
    await run('role scribe <@U0CAROL|carol>', { channel, user: 'U0ALICE', userName: 'alice' });
    await eventually(async () => (await roleRows(key)).length === 2, 10_000, 'scribe recorded');
    expect([...dmsTo('U0BOB'), ...dmsTo('U0CAROL')].filter((m) => m.text.includes(`*${key}*`))).toHaveLength(1);
    expect((await roleRows(key)).map((r) => r.details)).toEqual([
      { role: 'ops-lead', person: expect.objectContaining({ id: 'U0BOB' }) },
      { role: 'scribe', person: expect.objectContaining({ id: 'U0CAROL' }) },
    ]);
  });

  it('shows every role in `status` and the pinned summary, the unfilled required one included', async () => {
    const { key, channel, summaryTs } = await declare('Search index stale');
    await run('role ops-lead <@U0BOB|bob>', { channel, user: 'U0ALICE', userName: 'alice' });
    const status = await run('status', { channel, user: 'U0ALICE', userName: 'alice' });
    expect(status).toContain(`${key}  SEV2`);
    expect(status).toContain('commander: —');
    expect(status).toContain('ops-lead: bob');
    expect(status).toContain('customer-liaison: — (required)');
    await eventually(async () => summary(channel, summaryTs).includes('ops-lead'), 10_000, 'summary with the ops-lead');
    const blocks = summary(channel, summaryTs);
    expect(blocks).toContain('*Roles*');
    expect(blocks).toContain('<@U0BOB>');
    expect(blocks).toContain('*customer-liaison*: _nobody yet_ (required)');
  });

  it('nudges an unfilled required role on the commander cadence until someone holds it', async () => {
    const { key, channel } = await declare('Payments retries');
    const nudges = async () =>
      (
        await db()
          .select()
          .from(timelineEvents)
          .where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'reminder')))
          .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id))
      ).filter((r) => (r.details as { reminder?: string }).reminder === 'unfilled_role');
    const first = await eventually(async () => (await nudges())[0], 15_000, 'unfilled role nudge');
    expect(first.text).toBe(`${key} has no customer-liaison yet, and SEV2 needs one. Assign one with \`role customer-liaison @someone\`.`);
    expect(first.details).toEqual({ reminder: 'unfilled_role', role: 'customer-liaison' });
    await eventually(async () => h.slack.state.channels.get(channel)!.messages.some((m) => m.text.includes('has no customer-liaison yet')), 10_000, 'nudge in the channel');

    await run('role customer-liaison <@U0CAROL|carol>', { channel, user: 'U0ALICE', userName: 'alice' });
    const view = await getIncidentView(h.system, key);
    expect(view.roles['customer-liaison']).toMatchObject({ id: 'U0CAROL' });
    expect(view.requiredRoles).toEqual(['customer-liaison']);
  });

  it('refuses a role the policy does not know, naming the roles it knows, and writes nothing', async () => {
    const { key, channel } = await declare('Unknown role attempt');
    const reply = await run('role boss <@U0BOB|bob>', { channel, user: 'U0ALICE', userName: 'alice' });
    expect(reply).toContain('"boss" is not an incident role; the roles are commander, comms, scribe, ops-lead, customer-liaison.');
    // A system actor (an automation rule) is held to the same list.
    await expect(runIncidentUpdate(h.system, key, msg.assignRoleUpdate, { actor: SYSTEM_ACTOR, role: 'boss', person: { source: 'slack', id: 'U0BOB' } })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^"boss" is not an incident role/) } });
    // A later known event, then count: nothing was written for the refused role.
    await run('note after the refusal', { channel, user: 'U0ALICE', userName: 'alice' });
    await eventually(async () => (await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'note')))).length > 0, 10_000, 'note');
    expect(await roleRows(key)).toEqual([]);
    const audits = await db().select().from(auditLog).where(eq(auditLog.subject, key)).orderBy(asc(auditLog.seq));
    expect(audits.filter((a) => /role/i.test(a.action))).toEqual([]);
    expect(dmsTo('U0BOB').filter((m) => m.text.includes(`*${key}*`))).toEqual([]);
  });

  it('lets automation (a system actor) assign a policy role, and puts an undeliverable DM on the timeline', async () => {
    const { key, channel } = await declare('Automation assigns');
    h.slack.failNext('conversations.open', { error: 'user_disabled' }, { match: (a) => a.users === 'U0CAROL' });
    const view = await runIncidentUpdate(h.system, key, msg.assignRoleUpdate, { actor: SYSTEM_ACTOR, role: 'ops-lead', person: { source: 'slack', id: 'U0CAROL', name: 'carol' } });
    expect(view.roles['ops-lead']).toMatchObject({ id: 'U0CAROL' });
    const problem = await eventually(
      async () => (await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'note'))).orderBy(asc(timelineEvents.id))).find((r) => r.text.includes('instructions could not be sent')),
      15_000,
      'undeliverable DM noted',
    );
    expect(problem.text).toBe('The ops-lead instructions could not be sent to carol by Slack DM (user_disabled).');
    expect(h.slack.state.channels.get(channel)).toBeDefined();
  });
});
