// Attacks over signed Slack requests: a captured request replayed inside its 5-minute window, and a
// flood of declarations from one person. Both must leave exactly the effects of the honest requests.

import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';
import { incidents, timelineEvents } from '../../db/schema/index.js';
import { declarationWorkflowId } from '../../domain/ids.js';
import { blockAction, slashCommand, viewSubmission } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually, loadTestPolicy } from '../helpers/system.js';

const DECLARATIONS_PER_PERSON = 5;

let h: SlackHarness;
beforeAll(async () => {
  const policy = loadTestPolicy();
  policy.limits = {
    declarations: { perPerson: DECLARATIONS_PER_PERSON, total: 1000, windowSeconds: 60 },
    commands: { perPerson: 1000, total: 10_000, windowSeconds: 60 },
  };
  h = await startSlackHarness({ policy });
});
afterAll(async () => {
  await h?.stop();
});

const run = Math.random().toString(36).slice(2, 8);

async function declare(title: string, user = 'U0ALICE'): Promise<{ key: string; channel: string }> {
  const { replyId } = await h.command(`declare ${title} service:search`, { user });
  const key = await eventually(async () => /^(INC-\d+)/.exec(String(h.replies(replyId)[0]?.text ?? ''))?.[1], 20_000, 'declared');
  const channel = await eventually(async () => [...h.slack.state.channels.values()].find((c) => c.name.startsWith(`inc-${key.slice(4)}-`))?.id, 20_000, 'channel');
  return { key, channel };
}

const rowsMentioning = (key: string, marker: string) =>
  h.system.database.db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, `%${marker}%`)));
const slackCallsMentioning = (marker: string) => h.slack.calls.filter((c) => JSON.stringify(c.args).includes(marker)).length;

describe('a replayed Slack request has one effect', () => {
  it('the same signed slash command posted three times adds one note', async () => {
    const { key, channel } = await declare(`Replay target ${run}`);
    const marker = `replayed-note-${run}`;
    const replyUrl = h.slack.responseUrl(`replay-${run}`);
    const request = slashCommand({ text: `note ${marker}`, channel, triggerId: `replay.${run}`, responseUrl: replyUrl });
    const timestamp = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) expect((await h.post(request, { timestamp })).status).toBe(200);
    await eventually(async () => h.replies(`replay-${run}`).length >= 3 || undefined, 20_000, 'three answers');

    // A later, honest note: once its effects are in, the replays' would be too.
    const sentinel = `sentinel-note-${run}`;
    const { replyId } = await h.command(`note ${sentinel}`, { channel });
    await eventually(async () => h.replies(replyId).length > 0 || undefined, 20_000, 'sentinel answered');
    await eventually(async () => (await rowsMentioning(key, sentinel)).length > 0 || undefined, 20_000, 'sentinel row');
    await eventually(async () => slackCallsMentioning(sentinel) > 0 || undefined, 20_000, 'sentinel posted');

    expect(await rowsMentioning(key, marker)).toHaveLength(1);
    expect(slackCallsMentioning(marker)).toBe(slackCallsMentioning(sentinel));
  });

  it('the same signed button payload posted three times changes severity once and refuses nothing', async () => {
    const { key, channel } = await declare(`Button replay ${run}`);
    const replayUrl = `button-replay-${run}`;
    const request = blockAction({ actionId: ACTION_IDS.severity, selected: `${key}|SEV2`, channel, responseUrl: h.slack.responseUrl(replayUrl) });
    const timestamp = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) expect((await h.post(request, { timestamp })).status).toBe(200);
    const severityRows = async () =>
      h.system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'severity')));
    await eventually(async () => (await severityRows()).length > 0 || undefined, 20_000, 'severity changed');

    // An honest second click of SEV2 is refused ("already SEV2"); once that answer is in, any
    // refusal of the replays would be too.
    const sentinelUrl = `button-sentinel-${run}`;
    await h.post(blockAction({ actionId: ACTION_IDS.severity, selected: `${key}|SEV2`, channel, responseUrl: h.slack.responseUrl(sentinelUrl) }));
    await eventually(async () => h.replies(sentinelUrl).length > 0 || undefined, 20_000, 'sentinel refused');

    expect(String(h.replies(sentinelUrl)[0]?.text)).toMatch(/already SEV2/);
    expect(h.replies(replayUrl)).toEqual([]);
    expect(await severityRows()).toHaveLength(1);
  });
});

describe('a flood of declarations from one person', () => {
  it(`declares at most ${DECLARATIONS_PER_PERSON} of 50 and answers the rest with the refusal`, async () => {
    const title = `Flood ${run}`;
    const sent = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const triggerId = `flood.${run}.${i}`;
        const { response, replyId } = await h.command(`declare ${title} ${i} service:search`, { user: 'U0CAROL', userName: 'carol', triggerId });
        expect(response.status).toBe(200);
        return { triggerId, replyId };
      }),
    );
    const answers = await eventually(
      async () => {
        const texts = sent.map((s) => h.replies(s.replyId)[0]?.text);
        return texts.every((t) => t !== undefined) ? texts.map(String) : undefined;
      },
      60_000,
      'every request answered',
    );
    const declared = answers.filter((t) => /^INC-\d+/.test(t));
    const refused = answers.filter((t) => t.includes('the most one person may'));
    expect(declared).toHaveLength(DECLARATIONS_PER_PERSON);
    expect(refused).toHaveLength(50 - DECLARATIONS_PER_PERSON);

    const rows = await h.system.database.db.select().from(incidents).where(like(incidents.title, `${title} %`));
    expect(rows).toHaveLength(DECLARATIONS_PER_PERSON);
    let workflows = 0;
    for (const s of sent) {
      try {
        await h.system.client.workflow.getHandle(declarationWorkflowId(`slack:${s.triggerId}`)).describe();
        workflows++;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    expect(workflows).toBe(DECLARATIONS_PER_PERSON);

    // The declaration form is held to the same limit: it stays open and says why.
    const viewId = `V${run}FLOOD`;
    const form = await h.post(
      viewSubmission({
        viewId,
        user: 'U0CAROL',
        values: {
          title: { title: { type: 'plain_text_input', value: `${title} from the form` } },
          severity: { severity: { type: 'static_select', selected_option: { value: 'SEV3' } } },
          services: { services: { type: 'multi_static_select', selected_options: [{ value: 'search' }] } },
          description: { description: { type: 'plain_text_input', value: 'more of the flood' } },
        },
      }),
    );
    expect(await form.json()).toMatchObject({ response_action: 'errors', errors: { title: expect.stringContaining('the most one person may') } });
    expect(await h.system.database.db.select().from(incidents).where(like(incidents.title, `${title} from the form`))).toEqual([]);
  }, 120_000);
});
