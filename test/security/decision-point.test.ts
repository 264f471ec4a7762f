// Attacks on authorization, driven over signed Slack requests against the running service: a
// person in no team of the policy (dave, U0DAVE) tries every privileged action, and members try to
// walk around separation of duties. Each test asserts what did NOT happen: no role, no grant, no
// login role on the Postgres target, no sandbox, no removed timeline entry; and that the refusal was
// said to the person and, for privileged actions, audited.

import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { accessGrants, auditLog, sandboxes, timelineEvents } from '../../db/schema/index.js';
import { grantRoles } from '../helpers/access.js';
import { startAccessFrontends, type AccessFrontends } from '../helpers/access-frontends.js';
import { blockAction, eventCallback } from '../helpers/slack-requests.js';
import { eventually } from '../helpers/system.js';

let env: AccessFrontends;
beforeAll(async () => {
  env = await startAccessFrontends();
});
afterAll(async () => {
  await env?.stop();
});

const DAVE = { user: 'U0DAVE', userName: 'dave' };
const db = () => env.system.database.db;

async function reply(replyId: string, what: string): Promise<string> {
  return eventually(async () => env.replies(replyId).map((r) => String(r.text ?? '')).find(Boolean), 15_000, what);
}

async function say(text: string, fields: { user: string; userName: string; channel?: string }): Promise<string> {
  const { response, replyId } = await env.command(text, fields);
  expect(response.status).toBe(200);
  return reply(replyId, `reply to "${text}"`);
}

async function declareInSlack(title: string): Promise<{ incident: string; channel: string }> {
  const text = await say(`declare ${title} sev:2 service:payments`, { user: 'U0ALICE', userName: 'alice' });
  const incident = /(INC-\d+) declared/.exec(text)![1]!;
  const link = await eventually(async () => findLink(db(), incident, 'slack-channel'), 20_000, 'incident channel');
  return { incident, channel: link.externalId };
}

const refusedAudits = (subject: string, action: string) =>
  db().select().from(auditLog).where(and(eq(auditLog.subject, subject), eq(auditLog.action, `authz.refused.${action}`)));

describe('a Slack user in no team of the policy (a guest)', () => {
  it('cannot take command, and the refusal is audited', async () => {
    const { incident, channel } = await declareInSlack('Guest takes command');
    const text = await say('role commander <@U0DAVE>', { ...DAVE, channel });
    expect(text).toMatch(/not in any team of the policy/);
    expect((await getIncidentView(env.system, incident)).roles.commander).toBeUndefined();
    const rows = await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'role')));
    expect(rows).toHaveLength(0);
    expect(await refusedAudits(incident, 'assignRole')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: 'U0DAVE' }) })]);
  });

  it('cannot acknowledge (which would make them commander) or resolve', async () => {
    const { incident, channel } = await declareInSlack('Guest resolves');
    const ack = `ack-${Date.now()}`;
    await env.post(blockAction({ actionId: 'incident_ack', value: incident, ...DAVE, channel, responseUrl: env.slack.responseUrl(ack) }));
    expect(await reply(ack, 'ack refusal')).toMatch(/not in any team of the policy/);
    expect(await say('resolve it is fine', { ...DAVE, channel })).toMatch(/not in any team of the policy/);
    const view = await getIncidentView(env.system, incident);
    expect(view.roles.commander).toBeUndefined();
    expect(view.phase).not.toBe('resolved');
    expect(view.acknowledgedAt).toBeUndefined();
  });

  it("cannot approve another person's db-readonly request: no login role is created", async () => {
    const { channel } = await declareInSlack('Guest approves');
    const before = await grantRoles(env.target);
    const asked = await say('access db-readonly 10s checking rows', { user: 'U0ALICE', userName: 'alice', channel });
    const grant = /(GR-\d+)/.exec(asked)![1]!;
    const click = `approve-${Date.now()}`;
    await env.post(blockAction({ actionId: 'grant_approve', value: grant, ...DAVE, channel, responseUrl: env.slack.responseUrl(click) }));
    expect(await reply(click, 'approve refusal')).toMatch(/not in any team of the policy/);
    const [row] = await db().select().from(accessGrants).where(eq(accessGrants.key, grant));
    expect(row!.status).toBe('pending');
    expect(await grantRoles(env.target)).toEqual(before);
    expect(await refusedAudits(grant, 'approveAccess')).toHaveLength(1);
    await say(`access deny ${grant} not needed`, { user: 'U0CAROL', userName: 'carol', channel });
  });

  it('cannot receive a capability token or build a sandbox', async () => {
    const { incident, channel } = await declareInSlack('Guest asks for credentials');
    expect(await say('access read-logs 10s looking', { ...DAVE, channel })).toMatch(/not in any team of the policy/);
    expect(await say('sandbox create', { ...DAVE, channel })).toMatch(/not in any team of the policy/);
    expect(await db().select().from(accessGrants).where(eq(accessGrants.incidentKey, incident))).toHaveLength(0);
    expect(await db().select().from(sandboxes).where(eq(sandboxes.incidentKey, incident))).toHaveLength(0);
    // No private message carried anything to dave.
    expect(env.slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).endsWith('U0DAVE'))).toHaveLength(0);
  });

  it('may still declare and add a note (the guests default)', async () => {
    const text = await say('declare Seen by a guest sev:3 service:payments', DAVE);
    const incident = /(INC-\d+) declared/.exec(text)![1]!;
    const link = await eventually(async () => findLink(db(), incident, 'slack-channel'), 20_000, 'incident channel');
    await say('note the checkout page shows a spinner', { ...DAVE, channel: link.externalId });
    const notes = await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'note')));
    expect(notes.map((n) => n.text)).toEqual(['the checkout page shows a spinner']);
  });
});

describe('pins', () => {
  it('only the author or the commander takes a pin off the timeline, and the removal is audited', async () => {
    const { incident, channel } = await declareInSlack('Pins belong to their author');
    const ts = env.slack.say(channel, 'U0CAROL', 'db CPU at 100% since 10:02');
    const reaction = { reaction: 'pushpin', item: { type: 'message', channel, ts }, item_user: 'U0CAROL' };
    await env.post(eventCallback({ type: 'reaction_added', user: 'U0CAROL', ...reaction }));
    await eventually(async () => (await getIncidentView(env.system, incident)).timeline.find((e) => e.kind === 'pinned'), 15_000, 'pinned entry');
    // bob neither pinned it nor commands the incident.
    await env.post(eventCallback({ type: 'reaction_removed', user: 'U0BOB', ...reaction }));
    await eventually(async () => (await refusedAudits(incident, 'unpin')).length === 1, 15_000, 'refusal audited');
    const pinned = await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'pinned')));
    expect(pinned).toHaveLength(1);
    // Its author can.
    await env.post(eventCallback({ type: 'reaction_removed', user: 'U0CAROL', ...reaction }));
    await eventually(async () => !(await getIncidentView(env.system, incident)).timeline.some((e) => e.kind === 'pinned'), 15_000, 'entry removed');
    const removals = await eventually(async () => {
      const rows = await db().select().from(auditLog).where(and(eq(auditLog.subject, incident), eq(auditLog.action, 'incident.unpin')));
      return rows.length > 0 ? rows : undefined;
    }, 15_000, 'removal audited');
    expect(removals).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: 'U0CAROL' }) })]);
  });
});

describe('separation of duties', () => {
  it('a commander cannot approve the extension she asked for on someone else\'s grant', async () => {
    const { channel } = await declareInSlack('Commander extends and approves');
    await say('role commander <@U0ALICE>', { user: 'U0ALICE', userName: 'alice', channel });
    const asked = await say('access db-readonly 10s checking rows', { user: 'U0BOB', userName: 'bob', channel });
    const grant = /(GR-\d+)/.exec(asked)![1]!;
    await say(`access approve ${grant}`, { user: 'U0CAROL', userName: 'carol', channel });
    await eventually(async () => (await db().select().from(accessGrants).where(eq(accessGrants.key, grant)))[0]?.status === 'active', 15_000, 'active');
    const extend = await say(`access extend ${grant} 5s`, { user: 'U0ALICE', userName: 'alice', channel });
    expect(extend).not.toMatch(/Only/);
    const approve = await say(`access approve ${grant}`, { user: 'U0ALICE', userName: 'alice', channel });
    expect(approve).toMatch(/cannot approve the extension you asked for/);
    const extended = await db().select().from(auditLog).where(and(eq(auditLog.subject, grant), like(auditLog.action, 'access.extend%')));
    expect(extended).toHaveLength(0);
    await say(`access revoke ${grant}`, { user: 'U0BOB', userName: 'bob', channel });
  });
});
