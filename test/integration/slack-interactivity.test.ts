import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { incidents, timelineEvents } from '../../db/schema/index.js';
import { findLink } from '../../db/queries/links.js';
import { blockAction, eventCallback, viewSubmission } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function declare(text: string): Promise<{ key: string; channelId: string }> {
  const { replyId } = await h.command(text);
  const key = await eventually(async () => /^(INC-\d+) declared/.exec(String(h.replies(replyId)[0]?.text ?? ''))?.[1], 15_000, 'declared');
  const link = await eventually(async () => findLink(h.system.database.db, key, 'slack-channel'), 15_000, 'channel link');
  return { key, channelId: link.externalId };
}

const formValues = (title: string, services: string[] = ['payments']) => ({
  title: { title: { type: 'plain_text_input', value: title } },
  severity: { severity: { type: 'static_select', selected_option: { value: 'SEV2' } } },
  services: { services: { type: 'multi_static_select', selected_options: services.map((value) => ({ value })) } },
  description: { description: { type: 'plain_text_input', value: 'Card payments fail' } },
});

describe('the declaration form', () => {
  it('opens the form right away when declare has no title, prefilled from the command', async () => {
    const triggerId = `trig-${Date.now()}`;
    const calls = h.slack.calls.length;
    const { response } = await h.command('declare sev:1 service:search', { triggerId });
    expect(response.status).toBe(200);
    const open = await eventually(async () => h.slack.calls.slice(calls).find((c) => c.method === 'views.open'), 5_000, 'views.open');
    // Nothing else was asked of Slack before the form opened.
    expect(h.slack.calls.slice(calls)[0]!.method).toBe('views.open');
    expect(open.args.trigger_id).toBe(triggerId);
    const view = open.args.view as { callback_id: string; blocks: Array<{ block_id: string; element: Record<string, unknown> }> };
    expect(view.callback_id).toBe('incident_declare');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['title', 'severity', 'services', 'description', 'private']);
    expect(JSON.stringify(view.blocks[1]!.element.initial_option)).toContain('SEV1');
    expect(JSON.stringify(view.blocks[2]!.element.options)).toContain('payments');
    expect(JSON.stringify(view.blocks[2]!.element.initial_options)).toContain('search');
  });

  it('shows field errors without declaring anything', async () => {
    const response = await h.post(viewSubmission({ viewId: 'VBAD00001', values: formValues('   ') }));
    expect(await response.json()).toEqual({ response_action: 'errors', errors: { title: expect.stringContaining('needs a title') } });
    const unknown = await h.post(viewSubmission({ viewId: 'VBAD00002', values: formValues('Ledger drift', ['ledger']) }));
    expect(await unknown.json()).toEqual({ response_action: 'errors', errors: { services: expect.stringContaining('Unknown service "ledger"') } });
  });

  it('declares one incident for a double-submitted form', async () => {
    const title = `Card payments failing ${Date.now()}`;
    const submission = viewSubmission({ viewId: `VDOUBLE${Date.now()}`, values: formValues(title), privateMetadata: JSON.stringify({ channel: 'C0INCIDENTS' }) });
    const [a, b] = await Promise.all([h.post(submission), h.post(submission)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const rows = await eventually(async () => {
      const found = await h.system.database.db.select().from(incidents).where(eq(incidents.title, title));
      return found.length > 0 && found;
    }, 60_000, 'incident row');
    // A different form submitted after both: once its incident exists, the double's second copy
    // has had the same time to declare, and must not have.
    const witness = `Witness after a double submit ${Date.now()}`;
    await h.post(viewSubmission({ viewId: `VWITNESS${Date.now()}`, values: formValues(witness), privateMetadata: JSON.stringify({ channel: 'C0INCIDENTS' }) }));
    await eventually(async () => (await h.system.database.db.select().from(incidents).where(eq(incidents.title, witness))).length > 0, 15_000, 'the witness incident');
    expect(await h.system.database.db.select().from(incidents).where(eq(incidents.title, title))).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'SEV2', services: ['payments'], source: 'slack' });
    const view = await getIncidentView(h.system, rows[0]!.key);
    expect(view.description).toBe('Card payments fail');
    await eventually(async () => h.slack.callsTo('chat.postEphemeral').some((c) => String(c.args.text).startsWith(`${rows[0]!.key} declared`)), 10_000, 'ephemeral note');
  });
});

describe('the summary buttons', () => {
  it('takes command, changes severity, refuses an outsider and resolves after confirmation', async () => {
    const { key, channelId } = await declare('declare Search index stale sev:3 service:search');
    const replyTo = (id: string) => h.slack.responseUrl(id);
    expect((await h.post(blockAction({ actionId: 'incident_ack', value: key, user: 'U0CAROL', userName: 'carol', channel: channelId, responseUrl: replyTo('ack') }))).status).toBe(200);
    // Taking command records the role, then the acknowledgement that starts mitigation: two events,
    // and a query may land between them, so wait for both.
    await eventually(async () => {
      const view = await getIncidentView(h.system, key);
      return view.roles.commander?.id === 'U0CAROL' && view.phase === 'mitigating';
    }, 10_000, 'commander taken and mitigation started');

    await h.post(blockAction({ actionId: 'incident_sev', selected: `${key}|SEV2`, user: 'U0CAROL', channel: channelId, responseUrl: replyTo('sev') }));
    await eventually(async () => (await getIncidentView(h.system, key)).severity === 'SEV2', 10_000, 'severity changed');

    await h.post(blockAction({ actionId: 'incident_resolve', value: key, user: 'U0DAVE', userName: 'dave', channel: channelId, responseUrl: replyTo('dave') }));
    const refusal = await eventually(async () => h.replies('dave')[0], 10_000, 'refusal');
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    // dave is in no team of the policy: a guest, who never resolves.
    expect(String(refusal.text)).toMatch(/^slack:U0DAVE is not in any team of the policy, so Firebreak does not let them resolve incidents/);
    expect((await getIncidentView(h.system, key)).phase).toBe('mitigating');

    await h.post(blockAction({ actionId: 'incident_mitigated', value: key, user: 'U0CAROL', channel: channelId, responseUrl: replyTo('mit') }));
    await eventually(async () => (await getIncidentView(h.system, key)).phase === 'monitoring', 10_000, 'mitigated');
    await h.post(blockAction({ actionId: 'incident_resolve', value: key, user: 'U0CAROL', channel: channelId, responseUrl: replyTo('res') }));
    await eventually(async () => (await getIncidentView(h.system, key)).phase === 'resolved', 10_000, 'resolved');
    expect(h.replies('res')).toEqual([]);
  });

  it('renders the buttons on the summary, with a confirm dialog on resolve', async () => {
    const { key, channelId } = await declare('declare Button layout check service:search');
    const link = await eventually(async () => (await findLink(h.system.database.db, key, 'slack-channel'))?.data.summaryTs as string | undefined, 10_000, 'summary');
    const message = h.slack.state.channels.get(channelId)!.messages.find((m) => m.ts === link)!;
    const actions = (message.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual(['incident_ack', 'incident_sev', 'incident_mitigated', 'incident_resolve']);
    expect(actions.elements![3]).toMatchObject({ value: key, style: 'danger', confirm: { title: { text: `Resolve ${key}?` } } });
  });
});

describe('the timeline from the channel', () => {
  it('adds a message marked with the pin reaction, redacted, and removes it with the reaction', async () => {
    const { key, channelId } = await declare('declare Pins from the channel service:payments');
    const ts = h.slack.say(channelId, 'U0DAVE', 'card 4111 1111 1111 1111 declined, mail ops@example.com');
    const reaction = { user: 'U0BOB', reaction: 'pushpin', item: { type: 'message', channel: channelId, ts }, item_user: 'U0DAVE' };
    await h.post(eventCallback({ type: 'reaction_added', ...reaction, reaction: 'eyes' }));
    await h.post(eventCallback({ type: 'reaction_added', ...reaction }));
    const entry = await eventually(async () => (await getIncidentView(h.system, key)).timeline.find((e) => e.kind === 'pinned'), 10_000, 'pinned entry');
    expect(entry.ref).toBe(`slack:${channelId}/${ts}`);
    expect(entry.actor).toMatchObject({ source: 'slack', id: 'U0BOB' });
    expect(entry.text).toContain('Dave Outsider: card');
    expect(entry.text).not.toContain('4111 1111');
    expect(entry.text).not.toContain('ops@example.com');
    expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
    const rows = await h.system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key));
    expect(rows.filter((r) => r.kind === 'pinned')).toHaveLength(1);

    await h.post(eventCallback({ type: 'reaction_removed', ...reaction }));
    await eventually(async () => !(await getIncidentView(h.system, key)).timeline.some((e) => e.kind === 'pinned'), 10_000, 'entry removed');
    const after = await h.system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key));
    expect(after.filter((r) => r.kind === 'pinned')).toHaveLength(0);
  });
});
