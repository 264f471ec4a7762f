// The App Home tab (bots/slack/listeners/events/app-home-opened.ts): opening it publishes the
// person's open incidents, titles escaped for Slack; the Messages tab publishes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLink } from '../../db/queries/links.js';
import { eventCallback } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function declare(text: string, user: string): Promise<string> {
  const { replyId } = await h.command(text, { user });
  const key = await eventually(async () => /^(INC-\d+) declared/.exec(String(h.replies(replyId)[0]?.text ?? ''))?.[1], 20_000, 'declared');
  // The incident row is written by the declaration; the channel link comes after it.
  await eventually(async () => findLink(h.system.database.db, key, 'slack-channel'), 20_000, 'channel link');
  return key;
}

const published = (user: string) => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user);
const text = (call: { args: Record<string, unknown> }) => JSON.stringify(call.args.view);

describe('the App Home tab', () => {
  it("shows the person's open incidents, and says so when there are none", async () => {
    const key = await declare('declare Checkout <!channel> returns 502 sev:2 service:payments', 'U0HOMEA');
    const response = await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMEA', channel: 'D0HOMEA', tab: 'home' }));
    expect(response.status).toBe(200);
    const call = await eventually(async () => published('U0HOMEA')[0], 20_000, 'the home view');
    const view = call.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(text(call)).toContain(`*${key}* SEV2`);
    expect(text(call)).toContain('Checkout &lt;!channel&gt; returns 502');
    expect(text(call)).not.toContain('<!channel>');
    expect(text(call)).toContain('you reported it');

    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMEB', channel: 'D0HOMEB', tab: 'home' }));
    const empty = await eventually(async () => published('U0HOMEB')[0], 20_000, 'the empty home view');
    expect(text(empty)).toContain('No open incident of yours');
    expect(text(empty)).not.toContain(key);
  });

  it('publishes nothing when the Messages tab is opened', async () => {
    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMEC', channel: 'D0HOMEC', tab: 'messages' }));
    // A later Home tab opening is the witness that the first event was handled.
    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMED', channel: 'D0HOMED', tab: 'home' }));
    await eventually(async () => published('U0HOMED')[0], 20_000, 'the witness home view');
    expect(published('U0HOMEC')).toEqual([]);
  });
});
