// Tasks and checklists on the real stack (issue 17 §3): the Slack path from a signed request to the
// incident workflow on the dev server and its rows in Postgres. A checklist attaches on `sev 1` and its
// required task refuses `resolve` until the commander waives it (audited); the task reaction makes a
// message a task once; a guest adds nothing; an overdue task is told once.

import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { auditLog, timelineEvents } from '../../db/schema/index.js';
import { findLink } from '../../db/queries/links.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { FIXTURE_POLICY_TEXT } from '../helpers/grammar.js';
import { eventCallback } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

const CHECKLISTS = `
checklists:
  sev1-comms:
    when: { severities: [SEV1] }
    tasks:
      - { text: "Post a public update <!channel>", owner: comms, required: true }
      - { text: Snapshot the orders database, due: 2s }
  sql-access:
    when: { capabilities: [db-readonly] }
    tasks:
      - { text: Tell the data protection officer, owner: commander }
`;

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ policy: parsePolicy(FIXTURE_POLICY_TEXT + CHECKLISTS, 'policy.yaml') });
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

/** Runs `/incident <text>` in the incident's channel as `user` and returns the reply's text. */
async function say(channelId: string, text: string, user = 'U0ALICE'): Promise<string> {
  const { replyId } = await h.command(text, { channel: channelId, user });
  return eventually(async () => h.replies(replyId)[0]?.text as string | undefined, 15_000, `reply to ${text}`);
}

async function taskEvents(key: string) {
  const rows = await h.system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'task'))).orderBy(asc(timelineEvents.id));
  return rows.map((r) => ({ ...(r.details as { event?: string; task?: string; checklist?: string }), actor: r.actor.id }));
}

async function audits(key: string) {
  return h.system.database.db.select().from(auditLog).where(eq(auditLog.subject, key)).orderBy(asc(auditLog.seq));
}

describe('checklists', () => {
  it('attach on `sev 1`, and a required task refuses resolve until the commander waives it', async () => {
    const { key, channelId } = await declare('declare Orders stuck sev:2 service:payments');
    expect((await getIncidentView(h.system, key)).tasks ?? []).toEqual([]);

    await say(channelId, 'sev 1 orders are failing everywhere');
    const view = await eventually(async () => {
      const v = await getIncidentView(h.system, key);
      return v.tasks?.length === 2 ? v : undefined;
    }, 15_000, 'checklist attached');
    expect(view.checklists).toEqual(['sev1-comms']);
    expect(view.tasks!.map((t) => [t.id, t.required, t.ownerRole, t.checklist])).toEqual([
      ['TASK-1', true, 'comms', 'sev1-comms'],
      ['TASK-2', false, undefined, 'sev1-comms'],
    ]);

    await say(channelId, 'role commander <@U0ALICE>');
    const refused = await say(channelId, 'resolve all good');
    expect(refused).toContain(`${key} cannot be resolved while required task TASK-1 "Post a public update`);
    expect(refused).toContain('task waive TASK-1 REASON');
    expect((await getIncidentView(h.system, key)).phase).toBe('mitigating');

    // Not the commander: refused, and the refusal is audited like every privileged decision.
    expect(await say(channelId, 'task waive TASK-1 we told them by phone', 'U0BOB')).toBe(`Only the incident commander (alice) may waive a task of ${key}.`);
    expect((await getIncidentView(h.system, key)).tasks![0]!.status).toBe('open');

    await say(channelId, 'task waive TASK-1 we told them by phone');
    expect((await getIncidentView(h.system, key)).tasks![0]).toMatchObject({ status: 'waived', waivedReason: 'we told them by phone' });
    const waived = (await audits(key)).filter((a) => a.action === 'incident.task_waive');
    expect(waived).toHaveLength(1);
    expect(waived[0]!.actor).toMatchObject({ id: 'U0ALICE' });

    await say(channelId, 'resolve all good');
    await eventually(async () => (await getIncidentView(h.system, key)).phase === 'resolved', 15_000, 'resolved');
    // Attached once, whatever else happened since.
    expect((await taskEvents(key)).filter((e) => e.event === 'checklist')).toEqual([expect.objectContaining({ checklist: 'sev1-comms', actor: 'firebreak' })]);
  });

  it('tell an overdue task once', async () => {
    const { key, channelId } = await declare('declare Slow queue sev:2 service:search');
    await say(channelId, 'sev 1');
    await eventually(async () => (await taskEvents(key)).some((e) => e.event === 'overdue'), 20_000, 'overdue event');
    // A later event the loop wakes for, then count: the overdue task is not told again.
    await say(channelId, 'note still slow');
    await eventually(async () => (await getIncidentView(h.system, key)).timeline.some((e) => e.kind === 'note'), 10_000, 'note');
    const overdue = (await taskEvents(key)).filter((e) => e.event === 'overdue');
    expect(overdue).toEqual([expect.objectContaining({ event: 'overdue', task: 'TASK-2', actor: 'firebreak' })]);
    expect((await getIncidentView(h.system, key)).tasks![1]!.overdueAt).toBeDefined();
  });


  it('attach when someone asks for access to a capability they name', async () => {
    const { key, channelId } = await declare('declare Ledger mismatch sev:3 service:payments');
    await say(channelId, 'access db-readonly 30s compare the ledger rows');
    const view = await eventually(async () => {
      const v = await getIncidentView(h.system, key);
      return v.checklists?.includes('sql-access') ? v : undefined;
    }, 15_000, 'checklist on access');
    expect(view.requestedCapabilities).toEqual(['db-readonly']);
    expect(view.tasks!.map((t) => [t.id, t.text, t.ownerRole])).toEqual([['TASK-1', 'Tell the data protection officer', 'commander']]);
  });
});

describe('tasks from the channel', () => {
  it('the task reaction makes a message a task once, shown escaped in the pinned summary', async () => {
    const { key, channelId } = await declare('declare Cache stampede sev:3 service:search');
    const ts = h.slack.say(channelId, 'U0DAVE', 'restart the <!channel> cache nodes, key acme_live_abcdefghijklmnopqrstuvwx');
    const reaction = { user: 'U0BOB', reaction: 'memo', item: { type: 'message', channel: channelId, ts }, item_user: 'U0DAVE' };
    await h.post(eventCallback({ type: 'reaction_added', ...reaction }));
    // Slack's event is acknowledged first and handled after: wait for its task before the next step.
    await eventually(async () => (await getIncidentView(h.system, key)).tasks?.length === 1, 15_000, 'the reaction task');
    // The same message marked again by someone else makes no second task.
    await h.post(eventCallback({ type: 'reaction_added', ...reaction, user: 'U0CAROL' }));
    await say(channelId, 'task add check the hit ratio <@U0CAROL>', 'U0BOB');
    const tasks = await eventually(async () => {
      const t = (await getIncidentView(h.system, key)).tasks;
      return t?.some((x) => x.text === 'check the hit ratio') ? t : undefined;
    }, 15_000, 'tasks');
    expect(tasks.map((t) => [t.id, t.createdBy.id, t.ref])).toEqual([
      ['TASK-1', 'U0BOB', `slack:${channelId}/${ts}`],
      ['TASK-2', 'U0BOB', undefined],
    ]);
    expect(tasks[0]!.text).toContain('restart the');
    expect(tasks[1]!.owner).toMatchObject({ id: 'U0CAROL', name: 'carol' });

    const summary = await eventually(async () => {
      const link = await findLink(h.system.database.db, key, 'slack-channel');
      const message = h.slack.state.channels.get(channelId)!.messages.find((m) => m.ts === link?.data.summaryTs);
      const text = JSON.stringify(message?.blocks ?? []);
      return text.includes('Open tasks (2)') ? text : undefined;
    }, 15_000, 'summary with tasks');
    expect(summary).toContain('TASK-1');
    expect(summary).not.toContain('<!channel>');
    expect(summary).not.toContain('acme_live_');

    expect(await say(channelId, 'tasks')).toContain('2 open tasks of 2');
    await say(channelId, 'task done TASK-2', 'U0CAROL');
    expect((await getIncidentView(h.system, key)).tasks![1]!.status).toBe('done');
  });

  it('a guest can neither add nor close a task, and leaves no row', async () => {
    const { key, channelId } = await declare('declare Guest check sev:3 service:search');
    await say(channelId, 'task add the first one');
    const refusal = await say(channelId, 'task add open the firewall', 'U0DAVE');
    expect(refusal).toMatch(/^slack:U0DAVE is not in any team of the policy, so Firebreak does not let them add incident tasks/);
    expect(await say(channelId, 'task done TASK-1', 'U0DAVE')).toMatch(/does not let them close, reopen or assign incident tasks/);
    const ts = h.slack.say(channelId, 'U0DAVE', 'a guest wants this done');
    await h.post(eventCallback({ type: 'reaction_added', user: 'U0DAVE', reaction: 'memo', item: { type: 'message', channel: channelId, ts }, item_user: 'U0DAVE' }));
    // A later known event, then count.
    await say(channelId, 'task add the last one');
    await eventually(async () => (await taskEvents(key)).filter((e) => e.event === 'added').length === 2, 10_000, 'second task');
    const events = await taskEvents(key);
    expect(events.map((e) => [e.event, e.task, e.actor])).toEqual([
      ['added', 'TASK-1', 'U0ALICE'],
      ['added', 'TASK-2', 'U0ALICE'],
    ]);
    expect((await getIncidentView(h.system, key)).tasks!.map((t) => t.status)).toEqual(['open', 'open']);
    expect((await audits(key)).filter((a) => a.actor.id === 'U0DAVE')).toEqual([]);
  });
});
