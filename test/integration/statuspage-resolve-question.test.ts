// Resolving an incident whose public incident is still open asks, in the incident channel, whether
// to resolve that too: "Resolve public incident" shows the poster the default text with Post/Cancel
// before anything goes out, "Keep it open" is recorded on the timeline, and both are decided by the
// policy (a guest's click changes nothing). The command path's resolve reply says how to do it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentUpdate } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { STATUSPAGE_ACTION_IDS } from '../../domain/slack/action-ids.js';
import { DEFAULT_PUBLIC_RESOLVE_TEXT, PUBLIC_INCIDENT_QUESTION } from '../../domain/statuspage.js';
import * as msg from '../../workflows/incident/messages.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { blockAction } from '../helpers/slack-requests.js';
import { alice, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';
import { timelineNotes } from '../helpers/timeline.js';

let env: SlackHarness;
beforeAll(async () => {
  env = await startSlackHarness();
});
afterAll(async () => {
  await env?.stop();
});

const ALICE = { user: 'U0ALICE', userName: 'alice' };
const DAVE = { user: 'U0DAVE', userName: 'dave' };
const db = () => env.system.database.db;

type Block = { type: string; elements?: Array<{ action_id: string; value: string; text?: { text: string } }> };

async function click(actionId: string, value: string, channel: string, who = ALICE): Promise<Record<string, unknown>> {
  const id = `click-${Date.now()}-${Math.random()}`;
  expect((await env.post(blockAction({ actionId, value, ...who, channel, responseUrl: env.slack.responseUrl(id) }))).status).toBe(200);
  return eventually(async () => env.replies(id)[0], 15_000, `reply to ${actionId}`);
}

const notes = (incident: string) => timelineNotes(db(), incident);

/** A Slack-declared incident with alice as commander and comms lead, its public incident open, then resolved. */
async function resolvedWithPublicIncidentOpen(title: string): Promise<{ incident: string; channel: string; resolveReply: string }> {
  const { response, replyId } = await env.command(`declare ${title} sev:2 service:payments`, ALICE);
  expect(response.status).toBe(200);
  const declared = String((await eventually(async () => env.replies(replyId)[0], 15_000, 'declare reply')).text);
  const incident = /(INC-\d+) declared/.exec(declared)![1]!;
  const channel = (await eventually(async () => findLink(db(), incident, 'slack-channel'), 20_000, 'incident channel')).externalId;
  await runIncidentUpdate(env.system, incident, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: alice });
  await runIncidentUpdate(env.system, incident, msg.assignRoleUpdate, { actor: alice, role: 'comms', person: alice });
  expect((await say(env.system, incident, alice, 'statuspage open component:Checkout status:major Card payments fail.')).ok).toBe(true);
  const resolved = await say(env.system, incident, alice, 'resolve Rolled back the bad deploy');
  return { incident, channel, resolveReply: resolved.text };
}

/** The question the incident posted in its channel, with its buttons. */
async function question(channel: string): Promise<{ text: string; buttons: Map<string, string> }> {
  const call = await eventually(
    async () => env.slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel && String(c.args.text).includes(PUBLIC_INCIDENT_QUESTION)),
    20_000,
    'the public incident question',
  );
  const actions = (call.args.blocks as Block[]).find((b) => b.type === 'actions')!;
  return { text: String(call.args.text), buttons: new Map(actions.elements!.map((e) => [e.action_id, e.value])) };
}

describe('resolving with the public incident open', () => {
  it('asks once in the channel; the resolve button previews the default text and posts only on Post', async () => {
    const { incident, channel, resolveReply } = await resolvedWithPublicIncidentOpen('Card payments fail');
    expect(resolveReply).toBe(`${incident} is resolved; its public incident is still open on the status page. Resolve it with \`statuspage resolve TEXT\`.`);

    const asked = await question(channel);
    expect(asked.buttons.get(STATUSPAGE_ACTION_IDS.resolvePublic)).toBe(incident);
    expect(asked.buttons.get(STATUSPAGE_ACTION_IDS.keepPublic)).toBe(incident);
    expect((await notes(incident)).filter((n) => n.startsWith(PUBLIC_INCIDENT_QUESTION))).toHaveLength(1);

    const preview = await click(STATUSPAGE_ACTION_IDS.resolvePublic, incident, channel);
    expect(String(preview.text)).toBe(`*Resolve the public incident* for ${incident} on Acme status. Customers will read:\n> ${DEFAULT_PUBLIC_RESOLVE_TEXT}`);
    // Nothing is public before Post.
    expect((await readPublicIncident(db(), incident))!.status).toBe('open');

    const post = (preview.blocks as Block[]).find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === STATUSPAGE_ACTION_IDS.post)!.value;
    expect(String((await click(STATUSPAGE_ACTION_IDS.post, post, channel)).text)).toMatch(/^Resolved the public incident on the status page/);
    const row = (await readPublicIncident(db(), incident))!;
    expect(row.status).toBe('resolved');
    expect(row.updates[0]).toMatchObject({ verb: 'resolve', text: DEFAULT_PUBLIC_RESOLVE_TEXT });
    // The public incident resolved after the question: it is not asked again.
    expect((await notes(incident)).filter((n) => n.startsWith(PUBLIC_INCIDENT_QUESTION))).toHaveLength(1);
  });

  it('records "Keep it open" on the timeline, and a guest clicking either button changes nothing', async () => {
    const { incident, channel } = await resolvedWithPublicIncidentOpen('Search is slow');
    await question(channel);

    const refused = await click(STATUSPAGE_ACTION_IDS.keepPublic, incident, channel, DAVE);
    expect(String(refused.text)).toMatch(/does not let them post public status page updates/);
    const guestPreview = await click(STATUSPAGE_ACTION_IDS.resolvePublic, incident, channel, DAVE);
    const guestPost = (guestPreview.blocks as Block[]).find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === STATUSPAGE_ACTION_IDS.post)!.value;
    const guestPosted = await click(STATUSPAGE_ACTION_IDS.post, guestPost, channel, DAVE);
    expect(String(guestPosted.text)).toMatch(/does not let them post public status page updates/);
    expect((await readPublicIncident(db(), incident))!).toMatchObject({ status: 'open' });
    expect((await readPublicIncident(db(), incident))!.updates).toHaveLength(1);
    expect((await notes(incident)).some((n) => n.includes('keep the public incident open'))).toBe(false);

    const kept = await click(STATUSPAGE_ACTION_IDS.keepPublic, incident, channel);
    expect(String(kept.text)).toBe('alice decided to keep the public incident open; customers still see it until `statuspage resolve TEXT`.');
    expect(await notes(incident)).toContain('alice decided to keep the public incident open; customers still see it until `statuspage resolve TEXT`.');
    expect((await readPublicIncident(db(), incident))!.status).toBe('open');
  });
});
