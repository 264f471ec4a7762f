import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarationWorkflowId } from '../../domain/ids.js';
import { eventCallback, slashCommand, type SignOptions } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function declarationExists(triggerId: string): Promise<boolean> {
  try {
    await h.system.client.workflow.getHandle(declarationWorkflowId(`slack:${triggerId}`)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const now = () => Math.floor(Date.now() / 1000);

describe('Slack request verification', () => {
  const cases: Array<[string, SignOptions]> = [
    ['a wrong signature', { secret: 'not-the-signing-secret' }],
    ['a malformed signature', { signature: 'v1=deadbeef' }],
    ['a missing signature header', { omit: ['signature'] }],
    ['a missing timestamp header', { omit: ['timestamp'] }],
    ['a timestamp 6 minutes old', { timestamp: now() - 6 * 60 }],
    ['a timestamp 6 minutes in the future', { timestamp: now() + 6 * 60 }],
  ];

  it.each(cases)('refuses %s with 401 and starts nothing', async (_name, options) => {
    const triggerId = `sec-${Math.random().toString(36).slice(2)}`;
    const calls = h.slack.calls.length;
    const response = await h.post(slashCommand({ text: 'declare Forged incident sev:1', triggerId }), options);
    expect(response.status).toBe(401);
    // A signed declaration sent after the forgery, once started, shows the server is past it.
    const witness = `wit-${Math.random().toString(36).slice(2)}`;
    expect((await h.post(slashCommand({ text: 'declare Witness after a forgery service:search', triggerId: witness }))).status).toBe(200);
    await eventually(() => declarationExists(witness), 10_000, 'the witness declaration');
    expect(await declarationExists(triggerId)).toBe(false);
    // Only the witness may have reached Slack since: nothing carries the forgery's trigger or title.
    const aboutTheForgery = (args: unknown) => JSON.stringify(args).includes(triggerId) || /forged/i.test(JSON.stringify(args));
    expect(h.slack.calls.slice(calls).filter((c) => aboutTheForgery(c.args))).toEqual([]);
  });

  it('accepts a request signed 4 minutes ago', async () => {
    const triggerId = `ok-${Math.random().toString(36).slice(2)}`;
    const response = await h.post(slashCommand({ text: 'declare Signed a while ago service:search', triggerId }), { timestamp: now() - 4 * 60 });
    expect(response.status).toBe(200);
    await eventually(() => declarationExists(triggerId), 10_000, 'declaration started');
  });

  it('answers the URL verification handshake and the SSL check', async () => {
    const challenge = await h.post({ body: JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }), contentType: 'application/json' });
    expect(await challenge.json()).toEqual({ challenge: 'c-123' });
    const ssl = await h.post({ body: 'ssl_check=1&token=t', contentType: 'application/x-www-form-urlencoded' });
    expect(ssl.status).toBe(200);
  });

  it('gives an Events API retry one effect', async () => {
    const { replyId } = await h.command('declare Events retry test service:search');
    const key = await eventually(async () => /^(INC-\d+)/.exec(String(h.replies(replyId)[0]?.text ?? ''))?.[1], 15_000, 'declared');
    const channel = await eventually(async () => [...h.slack.state.channels.values()].find((c) => c.name.startsWith(`inc-${key.slice(4)}-`)), 15_000, 'channel');
    const ts = h.slack.say(channel.id, 'U0CAROL', 'p99 latency at 4s since 14:02');
    const event = eventCallback({ type: 'reaction_added', user: 'U0CAROL', reaction: 'pushpin', item: { type: 'message', channel: channel.id, ts }, item_user: 'U0CAROL' });
    const first = await h.post(event);
    const retry = await h.post(event, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect([first.status, retry.status]).toEqual([200, 200]);
    const { getIncidentView } = await import('../../bots/workflow-client.js');
    await eventually(async () => (await getIncidentView(h.system, key)).timeline.some((e) => e.kind === 'pinned'), 10_000, 'pinned entry');
    // A second message pinned after the retry: once its entry is in, the retry has been handled too.
    const later = h.slack.say(channel.id, 'U0CAROL', 'rolled back the deploy');
    await h.post(eventCallback({ type: 'reaction_added', user: 'U0CAROL', reaction: 'pushpin', item: { type: 'message', channel: channel.id, ts: later }, item_user: 'U0CAROL' }));
    await eventually(async () => (await getIncidentView(h.system, key)).timeline.filter((e) => e.kind === 'pinned').length >= 2, 10_000, 'the later pinned entry');
    // One fetch and one entry per message: the retry added neither.
    expect(h.slack.callsTo('conversations.history').filter((c) => c.args.channel === channel.id)).toHaveLength(2);
    expect((await getIncidentView(h.system, key)).timeline.filter((e) => e.kind === 'pinned')).toHaveLength(2);
  });
});
