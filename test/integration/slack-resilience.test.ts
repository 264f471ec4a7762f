import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests, timelineEvents } from '../../db/schema/index.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function declare(text: string): Promise<string> {
  const { replyId } = await h.command(text);
  return eventually(async () => /^(INC-\d+) declared/.exec(String(h.replies(replyId)[0]?.text ?? ''))?.[1], 15_000, 'declared');
}

async function channelOf(key: string) {
  const link = await eventually(async () => {
    const found = await findLink(h.system.database.db, key, 'slack-channel');
    return found?.data.pinned === true ? found : undefined;
  }, 15_000, 'channel with pinned summary');
  return { link, channel: h.slack.state.channels.get(link.externalId)! };
}

describe('Slack failures', () => {
  it('picks the next channel name when the first is taken', async () => {
    h.slack.failNext('conversations.create', { error: 'name_taken' }, { match: (a) => String(a.name).endsWith('-name-clash') });
    const key = await declare('declare Name clash service:search');
    const { channel } = await channelOf(key);
    expect(channel.name).toBe(`inc-${key.slice(4)}-name-clash-2`);
    expect(h.slack.calls.filter((c) => c.method === 'conversations.create' && String(c.args.name).startsWith(`inc-${key.slice(4)}-`)).map((c) => c.response.error ?? 'ok')).toEqual(['name_taken', 'ok']);
  });

  it('waits out a 429 through a Temporal retry after Retry-After, posting the summary once in one channel', async () => {
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, { match: (a) => Array.isArray(a.blocks) && String(a.text).includes('Rate limited summary') });
    const key = await declare('declare Rate limited summary service:search');
    const { channel, link } = await channelOf(key);
    const limited = h.slack.calls.find((c) => c.method === 'chat.postMessage' && c.status === 429)!;
    const posted = h.slack.calls.find((c) => c.method === 'chat.postMessage' && c.status === 200 && c.args.channel === channel.id)!;
    expect(limited.args.channel).toBe(channel.id);
    expect(posted.at - limited.at).toBeGreaterThanOrEqual(1_900);
    expect(posted.response.ts).toBe(link.data.summaryTs);
    expect(h.slack.calls.filter((c) => c.method === 'conversations.create' && String(c.args.name).startsWith(`inc-${key.slice(4)}-`))).toHaveLength(1);
    expect(h.slack.callsTo('conversations.setTopic').filter((c) => c.args.channel === channel.id)).toHaveLength(1);
    await eventually(async () => h.slack.state.channels.get('C0INCIDENTS')!.messages.filter((m) => m.text.includes(`*${key}* declared`)).length === 1, 10_000, 'one announcement');
  });

  it.each([
    ['is_archived', (id: string): void => void (h.slack.state.channels.get(id)!.archived = true)],
    ['channel_not_found', (id: string): void => void h.slack.state.channels.delete(id)],
  ] as const)('records %s on the timeline and carries on instead of retrying forever', async (error, breakChannel) => {
    const key = await declare(`declare Channel trouble ${error} service:search`);
    const { channel } = await channelOf(key);
    breakChannel(channel.id);
    const { replyId } = await h.command(`${key} note the channel is gone`);
    await eventually(async () => h.replies(replyId)[0], 10_000, 'note accepted');
    const problem = await eventually(async () => {
      const rows = await h.system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.idempotencyKey, `${key}:slack:%`)));
      return rows[0];
    }, 10_000, 'timeline row');
    expect(problem.text).toContain(`(${error})`);
    expect(problem.details).toMatchObject({ integration: 'slack', error, channel: channel.id });
    const view = await getIncidentView(h.system, key);
    const noteEvent = `${key}:${view.timeline.length - 1}`;
    await eventually(async () => (await h.system.database.db.select().from(processedRequests).where(eq(processedRequests.key, `notify:slack:${noteEvent}`))).length === 1, 10_000, 'notice delivered');
    expect((await findLink(h.system.database.db, key, 'slack-channel'))!.data.gone).toBe(error);
    const attempts = h.slack.calls.filter((c) => c.args.channel === channel.id && c.response.error === error);
    expect(attempts).toHaveLength(1);
  });
});

describe('reminders', () => {
  it('nudges for a commander and for status updates on the severity cadence, and an update resets it', async () => {
    const key = await declare('declare Reminder cadence sev:1 service:search');
    const { channel } = await channelOf(key);
    const lines = () => channel.messages.filter((m) => m.text.startsWith(':alarm_clock:'));
    await eventually(async () => lines().some((m) => m.text.includes('has no commander yet')), 15_000, 'commander nudge');
    await eventually(async () => lines().some((m) => m.text.includes('Status update due')), 15_000, 'status reminder');
    // Measured before the update is sent: the workflow handles it no earlier than this.
    const sentAt = Date.now();
    const { replyId } = await h.command('update customers see errors, rollback running', { channel: channel.id });
    await eventually(async () => h.replies(replyId)[0], 10_000, 'update accepted');
    // A reminder whose timer fired just before the update may still be in flight; anything posted
    // 2 s after sending belongs to the cadence the update restarted.
    const next = await eventually(
      async () => lines().find((m) => m.text.includes('Status update due') && Number(m.ts) * 1000 >= sentAt + 2_000),
      15_000,
      'next status reminder',
    );
    // SEV1 in the test policy: an update every 4 s, counted again from the posted update. Without
    // the reset the next reminder would land anywhere in the 4 s after the previous one.
    expect(Number(next.ts) * 1000).toBeGreaterThanOrEqual(sentAt + 3_900);
  });
});
