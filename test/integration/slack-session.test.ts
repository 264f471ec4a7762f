import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import type { Channel } from '../standins/slack-methods.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function reply(replyId: string): Promise<string> {
  const body = await eventually(async () => h.replies(replyId)[0], 15_000, 'response_url reply');
  expect(body.response_type).toBe('ephemeral');
  return String(body.text);
}

/** Runs a command as Slack would and waits for its ephemeral answer. */
async function run(text: string, fields: { channel?: string; user?: string; userName?: string } = {}): Promise<string> {
  const { response, replyId } = await h.command(text, fields);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
  return reply(replyId);
}

function summaryBlocksText(channel: Channel, ts: string): string {
  return JSON.stringify(channel.messages.find((m) => m.ts === ts)?.blocks ?? []);
}

describe('a whole incident run from /incident', () => {
  // First in the file: a later test's incident goes on calling Slack after its last assertion
  // (summary refreshes, App Home), which this count would take for an effect of a usage error.
  it('answers usage errors and help inside the ack, ephemeral, starting nothing', async () => {
    const before = h.slack.calls.length;
    const { response } = await h.command('sev 9');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`sev` needs a level from 1 to 4');
    expect(body.text).toContain('sev N [REASON…]');
    const help = (await (await h.command('help')).response.json()) as { text: string };
    expect(help.text).toContain('declare [TITLE…]');
    expect(h.slack.calls.length).toBe(before);
  });

  it('declares, escalates, assigns, updates, mitigates and resolves with the channel, summary and announcements Slack would show', async () => {
    const declared = await run('declare Checkout returns 502 for <mailto:ops@example.com|ops@example.com> sev:2 service:payments');
    const key = /^(INC-\d+) declared/.exec(declared)?.[1];
    expect(key, declared).toBeDefined();
    const n = key!.slice(4);

    // The title is redacted before it names anything, the channel included.
    const channel = await eventually(async () => h.slack.channelNamed(`inc-${n}-checkout-returns-502-for-redacted-email`), 60_000, 'incident channel');
    const link = await eventually(async () => (await findLink(h.system.database.db, key!, 'slack-channel'))?.data.pinned === true && findLink(h.system.database.db, key!, 'slack-channel'), 15_000, 'pinned summary');
    expect(link!.externalId).toBe(channel.id);
    const summaryTs = String(link!.data.summaryTs);
    expect([...channel.pins]).toEqual([summaryTs]);
    expect(channel.members.has('U0ALICE')).toBe(true);
    expect(channel.topic).toContain(`${key} · SEV2`);
    expect(summaryBlocksText(channel, summaryTs)).toContain(`${key} · SEV2 · triage`);
    expect(summaryBlocksText(channel, summaryTs)).not.toContain('ops@example.com');
    const announcements = () => h.slack.state.channels.get('C0INCIDENTS')!.messages.filter((m) => m.text.includes(key!));
    await eventually(async () => announcements().length === 1, 10_000, 'declaration announcement');
    expect(announcements()[0]!.text).toContain(`<#${channel.id}>`);
    const create = h.slack.calls.findIndex((c) => c.method === 'conversations.create' && c.response.ok);
    const pin = h.slack.calls.findIndex((c) => c.method === 'pins.add' && c.args.channel === channel.id);
    expect(create).toBeLessThan(pin);

    // Inside the channel the incident is implied.
    expect(await run('sev 1 spreading to EU', { channel: channel.id })).toContain(`${key} is SEV1`);
    await eventually(async () => summaryBlocksText(channel, summaryTs).includes(`${key} · SEV1 · triage`), 10_000, 'summary updated to SEV1');
    expect(h.slack.calls.some((c) => c.method === 'chat.update' && c.args.ts === summaryTs && JSON.stringify(c.args.blocks).includes('SEV1'))).toBe(true);

    expect(await run('role commander <@U0BOB|bob>', { channel: channel.id })).toContain('mitigating');
    await eventually(async () => channel.members.has('U0BOB'), 10_000, 'commander invited');
    await eventually(async () => summaryBlocksText(channel, summaryTs).includes('<@U0BOB>'), 10_000, 'commander on the summary');

    await run('update rolled back the canary &amp; error rate is falling', { channel: channel.id });
    await eventually(async () => channel.messages.some((m) => m.text.includes('*Status update*') && m.text.includes('rolled back the canary &amp; error rate')), 10_000, 'status update in the channel');
    await eventually(async () => announcements().some((m) => m.text.includes('rolled back the canary')), 10_000, 'status update announced');

    expect(await run('mitigated error rate normal', { channel: channel.id })).toContain('monitoring');
    expect(await run('resolve', { channel: channel.id, user: 'U0ALICE' })).toContain('Only the incident commander or a member of team sre');
    expect(await run(`${key} resolve fixed by rollback`, { user: 'U0BOB', userName: 'bob' })).toContain('resolved');

    const view = await getIncidentView(h.system, key!);
    expect(view.phase).toBe('resolved');
    expect(view.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['declared', 'phase', 'severity', 'role', 'status_update']));
    await eventually(async () => summaryBlocksText(channel, summaryTs).includes(`${key} · SEV1 · resolved`), 10_000, 'summary resolved');
    expect(summaryBlocksText(channel, summaryTs)).not.toContain('incident_resolve');
    await eventually(async () => announcements().some((m) => m.text.includes('resolved') && m.text.includes('fixed by rollback')), 10_000, 'resolution announced');
    expect(h.slack.calls.filter((c) => c.method === 'conversations.create' && c.response.ok)).toHaveLength(1);
    expect(h.slack.callsTo('pins.add').filter((c) => c.args.channel === channel.id)).toHaveLength(1);
  });

  it('tells people outside an incident channel to name the incident', async () => {
    expect(await run('note hello')).toContain('Which incident?');
    expect(await run('INC-99999 status')).toContain('INC-99999 does not exist');
  });
});
