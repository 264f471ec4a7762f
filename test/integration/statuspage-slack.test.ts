// Slack's confirm step for public updates: `/incident statuspage …` answers with a redacted preview
// and Post/Cancel buttons, nothing is public until Post, a second click on Post posts nothing more,
// and Cancel leaves the page as it was.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentUpdate } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { STATUSPAGE_ACTION_IDS } from '../../domain/slack/action-ids.js';
import * as msg from '../../workflows/incident/messages.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { blockAction } from '../helpers/slack-requests.js';
import { eventually } from '../helpers/system.js';

let env: SlackHarness;
beforeAll(async () => {
  env = await startSlackHarness();
});
afterAll(async () => {
  await env?.stop();
});

const ALICE = { user: 'U0ALICE', userName: 'alice' };
const db = () => env.system.database.db;

async function reply(id: string, what: string): Promise<Record<string, unknown>> {
  return eventually(async () => env.replies(id)[0], 15_000, what);
}

async function say(text: string, channel?: string): Promise<Record<string, unknown>> {
  const { response, replyId } = await env.command(text, { ...ALICE, ...(channel ? { channel } : {}) });
  expect(response.status).toBe(200);
  return reply(replyId, `reply to "${text}"`);
}

async function click(actionId: string, value: string, channel: string): Promise<Record<string, unknown>> {
  const id = `click-${Date.now()}-${Math.random()}`;
  expect((await env.post(blockAction({ actionId, value, ...ALICE, channel, responseUrl: env.slack.responseUrl(id) }))).status).toBe(200);
  return reply(id, `reply to ${actionId}`);
}

function postValue(preview: Record<string, unknown>): string {
  const blocks = preview.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
  return blocks.find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === STATUSPAGE_ACTION_IDS.post)!.value;
}

describe('statuspage in Slack', () => {
  it('previews the redacted text, posts on Post once however often it is clicked, and Cancel posts nothing', async () => {
    const declared = String((await say('declare Card payments fail sev:2 service:payments')).text);
    const incident = /(INC-\d+) declared/.exec(declared)![1]!;
    const channel = (await eventually(async () => findLink(db(), incident, 'slack-channel'), 20_000, 'incident channel')).externalId;
    await runIncidentUpdate(env.system, incident, msg.assignRoleUpdate, { actor: { source: 'slack', id: 'U0ALICE' }, role: 'comms', person: { source: 'slack', id: 'U0ALICE' } });

    const preview = await say('statuspage open component:Checkout status:major Payments fail & retry; write to ops@example.com', channel);
    expect(String(preview.text)).toMatch(/^\*Open a public incident\* for INC-\d+ \(Checkout: Major outage\) on Acme status\. Customers will read:\n> Payments fail &amp; retry; write to \[REDACTED:email#\w+\]$/);
    expect(await readPublicIncident(db(), incident)).toBeUndefined();

    const value = postValue(preview);
    const posted = await click(STATUSPAGE_ACTION_IDS.post, value, channel);
    expect(posted).toMatchObject({ replace_original: true });
    expect(String(posted.text)).toMatch(/^Opened a public incident on the status page for INC-\d+ \(Checkout: Major outage\)/);
    await click(STATUSPAGE_ACTION_IDS.post, value, channel);
    const row = (await readPublicIncident(db(), incident))!;
    expect(row.updates).toHaveLength(1);
    expect(row.updates[0]!.text).not.toContain('ops@example.com');

    const second = await say('statuspage update A fix is rolling out.', channel);
    expect(await click(STATUSPAGE_ACTION_IDS.cancel, 'cancel', channel)).toMatchObject({ replace_original: true, text: 'Cancelled: nothing was posted to the status page.' });
    expect(postValue(second)).toContain('A fix is rolling out.');
    expect((await readPublicIncident(db(), incident))!.updates).toHaveLength(1);
  });
});
