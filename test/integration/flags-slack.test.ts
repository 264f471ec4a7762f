import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnleashProvider } from '../../activities/flags/index.js';
import { getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import * as msg from '../../workflows/incident/messages.js';
import { carol, flagAudits } from '../helpers/flags.js';
import { blockAction } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';
import { startUnleash, type UnleashServer } from '../helpers/unleash.js';

// The Slack path end to end: `/incident flag rollback` in the incident channel switches a real
// Unleash flag; resolving posts the keep-or-restore question with buttons; Restore turns it back on.
let unleash: UnleashServer;
let h: SlackHarness;

beforeAll(async () => {
  unleash = await startUnleash();
  await unleash.createFlag('default', 'new-checkout');
  h = await startSlackHarness({ flagProviders: { unleash: createUnleashProvider({ url: unleash.url, adminToken: unleash.adminToken }) } });
});
afterAll(async () => {
  await h?.stop();
  await unleash?.stop();
});

interface Block {
  type: string;
  elements?: { action_id?: string; value?: string }[];
}

describe('flags from Slack', () => {
  it('rolls back by command, asks keep-or-restore on resolve, and restores from the button', async () => {
    await unleash.toggle('default', 'new-checkout', 'development', true);
    const declared = await h.command('declare Checkout returns 502 sev:2 service:payments', { user: 'U0CAROL', userName: 'carol' });
    const key = await eventually(async () => /^(INC-\d+) declared/.exec(String(h.replies(declared.replyId)[0]?.text ?? ''))?.[1], 15_000, 'declared');
    const channelId = (await eventually(async () => findLink(h.system.database.db, key, 'slack-channel'), 15_000, 'channel link')).externalId;

    const { replyId } = await h.command('flag rollback new-checkout checkout 502s', { user: 'U0CAROL', userName: 'carol', channel: channelId });
    const reply = await eventually(async () => h.replies(replyId)[0], 15_000, 'rollback reply');
    expect(String(reply.text)).toContain('Rolled back new-checkout in development: on → off');
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(false);

    await runIncidentUpdate(h.system, key, msg.resolveUpdate, { actor: carol, text: 'fixed' });
    const question = await eventually(
      async () => h.slack.callsTo('chat.postMessage').find((c) => c.args.channel === channelId && String(c.args.text).includes('Keep or restore new-checkout@development?')),
      15_000,
      'question posted',
    );
    const buttons = (question.args.blocks as Block[]).flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['flag_keep', `${key}|new-checkout@development`],
      ['flag_restore', `${key}|new-checkout@development`],
    ]);

    const res = await h.post(blockAction({ actionId: 'flag_restore', value: buttons[1]!.value, user: 'U0CAROL', userName: 'carol', channel: channelId, responseUrl: h.slack.responseUrl('restore') }));
    expect(res.status).toBe(200);
    await eventually(async () => (await getIncidentView(h.system, key)).flagChanges[0]?.status === 'restored', 15_000, 'restored');
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(true);
    expect((await flagAudits(h.system, key)).map((a) => a.action)).toEqual(['flag.rollback', 'flag.restore']);
  });
});
