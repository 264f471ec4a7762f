// The App Home tab on the real stack: opening it publishes the person's incidents (titles escaped), a
// guest sees that they are not in the policy, and the Messages tab publishes nothing. Changes
// republish the Homes they concern, from the refresh activity: a role taken shows on its holder's
// Home, an access request on its approver's, with the Approve/Deny buttons the channel request has;
// a click on them goes through the grant workflow's decision point, refused for a non-approver.

import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLink } from '../../db/queries/links.js';
import { accessGrants } from '../../db/schema/index.js';
import type { RecordedCall } from '../standins/slack-api.js';
import { eventCallback, interactivity } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ appHome: true });
});
afterAll(async () => {
  await h?.stop();
});

async function run(text: string, fields: { user: string; userName: string; channel?: string }): Promise<string> {
  const { replyId } = await h.command(text, fields);
  return eventually(async () => h.replies(replyId).map((r) => String(r.text)).find(Boolean), 20_000, `reply to ${text}`);
}

async function declare(text: string, user: string, userName: string): Promise<{ key: string; channel: string }> {
  const reply = await run(text, { user, userName });
  const key = /^(INC-\d+) declared/.exec(reply)?.[1];
  expect(key, reply).toBeDefined();
  // The incident row is written by the declaration; the channel link comes after it.
  const link = await eventually(async () => findLink(h.system.database.db, key!, 'slack-channel'), 20_000, 'channel link');
  return { key: key!, channel: link.externalId };
}

const published = (user: string) => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user);
const viewText = (call: RecordedCall) => JSON.stringify((call.args.view as { blocks: unknown[] }).blocks);
const hasButton = (call: RecordedCall, actionId: string, grant: string) => viewText(call).includes(`"action_id":"${actionId}","value":"${grant}"`);

/** The first Home published for `user` after the `after`-th one that satisfies `test`. */
function homeAfter(user: string, after: number, test: (call: RecordedCall) => boolean, what: string): Promise<RecordedCall> {
  return eventually(async () => published(user).slice(after).find(test), 30_000, what);
}

/** A button clicked on the App Home: Slack sends the view, and no response_url. */
function homeClick(actionId: string, value: string, user: string, userName: string) {
  return h.post(
    interactivity({
      type: 'block_actions',
      team: { id: 'T0TEST', domain: 'standin' },
      user: { id: user, username: userName, name: userName, team_id: 'T0TEST' },
      api_app_id: 'A0FIREBREAK',
      token: 'deprecated-verification-token',
      trigger_id: `${Date.now()}.${randomUUID()}`,
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home', blocks: [] },
      actions: [{ type: 'button', action_id: actionId, block_id: `grant_actions:${value}`, value, action_ts: '1', text: { type: 'plain_text', text: 'x' } }],
    }),
  );
}

async function grantRow(grant: string) {
  const [row] = await h.system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant)).orderBy(accessGrants.key);
  return row!;
}

describe('the App Home tab', () => {
  it("shows the person's open incidents, escaped, and a guest that they are not in the policy", { timeout: 120_000 }, async () => {
    const { key } = await declare('declare Checkout <!channel> returns 502 sev:2 service:payments', 'U0ALICE', 'alice');
    const before = published('U0ALICE').length;
    const response = await h.post(eventCallback({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' }));
    expect(response.status).toBe(200);
    const call = await homeAfter('U0ALICE', before, (c) => viewText(c).includes(`*${key}* SEV2`), 'the home view');
    expect((call.args.view as { type: string }).type).toBe('home');
    expect(viewText(call)).toContain('Checkout &lt;!channel&gt; returns 502');
    expect(viewText(call)).not.toContain('<!channel>');
    expect(viewText(call)).toContain('"action_id":"home_refresh"');

    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMEB', channel: 'D0HOMEB', tab: 'home' }));
    const guest = await eventually(async () => published('U0HOMEB')[0], 20_000, 'the guest home view');
    expect(viewText(guest)).toContain("You are not in Firebreak's policy");
    expect(viewText(guest)).not.toContain(key);
  });

  it('publishes nothing when the Messages tab is opened', async () => {
    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMEC', channel: 'D0HOMEC', tab: 'messages' }));
    // A later Home tab opening is the witness that the first event was handled.
    await h.post(eventCallback({ type: 'app_home_opened', user: 'U0HOMED', channel: 'D0HOMED', tab: 'home' }));
    await eventually(async () => published('U0HOMED')[0], 20_000, 'the witness home view');
    expect(published('U0HOMEC')).toEqual([]);
  });

  it('republishes the Homes a role and an access request concern; Approve from the Home goes through the decision point', { timeout: 150_000 }, async () => {
    const { key, channel } = await declare('declare Search times out sev:3 service:search', 'U0ALICE', 'alice');

    // bob never opened his Home: taking a role publishes it.
    const bobBefore = published('U0BOB').length;
    await run('role scribe <@U0BOB|bob>', { user: 'U0ALICE', userName: 'alice', channel });
    await homeAfter('U0BOB', bobBefore, (c) => viewText(c).includes(`*${key}*`) && viewText(c).includes('you are scribe'), "bob's Home with his role");

    const carolBefore = published('U0CAROL').length;
    const requested = await run('access db-readonly 30s checking slow queries', { user: 'U0ALICE', userName: 'alice', channel });
    const grant = /(GR-\d+)/.exec(requested)?.[1];
    expect(grant, requested).toBeDefined();
    const carolHome = await homeAfter('U0CAROL', carolBefore, (c) => hasButton(c, 'grant_approve', grant!), "carol's Home with the request");
    expect(hasButton(carolHome, 'grant_deny', grant!)).toBe(true);
    expect(viewText(carolHome)).toContain('checking slow queries');
    // bob approves nothing of team sre's: the request is not on his Home.
    expect(published('U0BOB').some((c) => viewText(c).includes(grant!))).toBe(false);

    // bob clicks Approve anyway (an old view, a forged payload): the workflow refuses, nothing changes.
    const bobRefusedBefore = published('U0BOB').length;
    expect((await homeClick('grant_approve', grant!, 'U0BOB', 'bob')).status).toBe(200);
    const refused = await homeAfter('U0BOB', bobRefusedBefore, (c) => viewText(c).includes('Only a member of team sre'), "bob's Home with the refusal");
    expect(hasButton(refused, 'grant_approve', grant!)).toBe(false);
    expect(await grantRow(grant!)).toMatchObject({ status: 'pending', approvals: [] });

    // carol's click approves it, as the channel's button would.
    const carolClickBefore = published('U0CAROL').length;
    expect((await homeClick('grant_approve', grant!, 'U0CAROL', 'carol')).status).toBe(200);
    const approved = await eventually(async () => {
      const row = await grantRow(grant!);
      return row.approvals.length > 0 ? row : undefined;
    }, 30_000, 'the approval recorded');
    expect(approved.approvals.map((a) => a.actor.id)).toEqual(['U0CAROL']);
    // Her Home is republished and the request leaves it once decided (this harness has no PostgreSQL
    // to grant on, so the approved grant ends at activation: either way it waits for nobody).
    await homeAfter('U0CAROL', carolClickBefore, (c) => !hasButton(c, 'grant_approve', grant!), "carol's Home after her approval");
  });
});
