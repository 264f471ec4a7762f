// The triage route end to end: a firing group posts one question with Accept/Decline in Slack;
// Accept declares with the person as reporter and edits the question; Decline declares nothing and
// is audited; a second click is answered and changes nothing; a group that resolves undecided closes
// its question. Security: a guest's Accept and a forged group start nothing and change no message.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTriageSystem, type TriageSystem } from '../helpers/alert-triage.js';
import { blockAction, postSigned } from '../helpers/slack-requests.js';
import { eventually } from '../helpers/system.js';

let s: TriageSystem;
beforeAll(async () => {
  s = await startTriageSystem();
});
afterAll(async () => {
  await s?.stop();
});

const questions = (workflowId: string) =>
  s.slack.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes(workflowId));
const updatesOf = (ts: string) => s.slack.callsTo('chat.update').filter((c) => c.args.ts === ts);

async function pendingGroup(key: string) {
  expect(await s.fire(key, s.service, 'firing', { note: '<!channel> mail ops@example.com' })).toBe(202);
  return eventually(async () => {
    const view = await s.group(key);
    return view?.held?.triage?.status === 'pending' ? view : undefined;
  }, 20_000, 'the triage question');
}

async function told(replyId: string): Promise<string> {
  return eventually(async () => s.reply(replyId)?.text as string | undefined, 20_000, 'the reply to the click');
}

describe('alert triage', () => {
  it('asks once, and Accept declares with the person as reporter; a second click changes nothing', async () => {
    const key = `triage-${randomUUID()}`;
    const view = await pendingGroup(key);
    expect(view.incident).toBeUndefined();
    expect(await s.fire(key, s.service)).toBe(202);
    await eventually(async () => ((await s.group(key))?.deliveries === 2 ? true : undefined));
    const posted = questions(s.workflowId(key));
    expect(posted).toHaveLength(1);
    const text = String(posted[0]!.args.text);
    // Labels leave redacted and escaped: no live broadcast, no address.
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('ops@example.com');
    expect(await s.incidents(s.service)).toEqual([]);

    const first = await s.click('alert_triage_accept', s.workflowId(key));
    expect(first.status).toBe(200);
    expect(await told(first.replyId)).toMatch(/^Accepted: declared INC-\d+\.$/);
    const [incident, ...more] = await s.incidents(s.service);
    expect(more).toEqual([]);
    expect(incident).toMatchObject({ source: 'alerts' });
    expect(incident!.reporter).toMatchObject({ source: 'slack', id: 'U0ALICE' });
    await eventually(async () => ((await s.timeline(incident!.key, 'Alert % firing%')).length === 1 ? true : undefined), 20_000, 'the held alert on the timeline');
    const ts = String(posted[0]!.response.ts);
    await eventually(async () => (updatesOf(ts).length === 1 ? true : undefined), 20_000, 'the question edited');
    expect(String(updatesOf(ts)[0]!.args.text)).toContain(`<@U0ALICE> declared ${incident!.key}`);
    expect(JSON.stringify(updatesOf(ts)[0]!.args.blocks)).not.toContain('alert_triage_accept');
    expect((await s.audit(s.workflowId(key))).map((r) => r.action)).toEqual(['alert.triage.accepted']);

    const again = await s.click('alert_triage_decline', s.workflowId(key), { id: 'U0BOB', name: 'bob' });
    expect(await told(again.replyId)).toMatch(/already accepted by alice as INC-\d+; nothing changed/);
    expect(await s.incidents(s.service)).toHaveLength(1);
    expect(updatesOf(ts)).toHaveLength(1);
  });

  it('Decline declares nothing and is audited with who and when', async () => {
    const key = `triage-${randomUUID()}`;
    await pendingGroup(key);
    const click = await s.click('alert_triage_decline', s.workflowId(key), { id: 'U0BOB', name: 'bob' });
    expect(await told(click.replyId)).toBe('Declined: no incident was declared, and the decision is recorded.');
    const [row, ...others] = await s.audit(s.workflowId(key));
    expect(others).toEqual([]);
    expect(row).toMatchObject({ action: 'alert.triage.declined', actor: { source: 'slack', id: 'U0BOB' } });
    expect(row!.details).toMatchObject({ source: 'uptime', groupKey: key });
    const view = await s.group(key);
    expect(view).toMatchObject({ held: { triage: { status: 'declined', told: true } } });
    expect(view!.incident).toBeUndefined();
    // Still recorded: a new alert of the group updates what it knows, and still declares nothing.
    expect(await s.fire(key, s.service, 'resolved')).toBe(202);
    await eventually(async () => ((await s.group(key))?.deliveries === 2 ? true : undefined));
    expect((await s.group(key))!.alerts).toEqual([{ fingerprint: key, status: 'resolved' }]);
    const ts = String(questions(s.workflowId(key))[0]!.response.ts);
    expect(String(updatesOf(ts)[0]!.args.text)).toContain('<@U0BOB> decided it is not an incident');
  });

  it('closes the question when the group resolves before anyone decides', async () => {
    const key = `triage-${randomUUID()}`;
    await pendingGroup(key);
    expect(await s.fire(key, s.service, 'resolved')).toBe(202);
    await eventually(async () => ((await s.group(key))?.held?.triage?.status === 'resolved' ? true : undefined), 20_000, 'the question closed');
    const ts = String(questions(s.workflowId(key))[0]!.response.ts);
    await eventually(async () => (updatesOf(ts).length === 1 ? true : undefined));
    expect(String(updatesOf(ts)[0]!.args.text)).toContain('resolved before anyone decided');
    const late = await s.click('alert_triage_accept', s.workflowId(key));
    expect(await told(late.replyId)).toMatch(/resolved before anyone decided/);
    expect(await s.audit(s.workflowId(key))).toEqual([]);
  });
});

describe('alert triage clicks', () => {
  it('a replayed click (the same Slack trigger) is one decision, and two people clicking at once get one', async () => {
    const key = `triage-${randomUUID()}`;
    await pendingGroup(key);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const same = blockAction({ actionId: 'alert_triage_decline', value: s.workflowId(key), user: 'U0BOB', userName: 'bob', responseUrl: s.slack.responseUrl(ids[0]!) });
    const other = blockAction({ actionId: 'alert_triage_decline', value: s.workflowId(key), user: 'U0CAROL', userName: 'carol', responseUrl: s.slack.responseUrl(ids[2]!) });
    const replay = { ...same, body: same.body.replace(encodeURIComponent(s.slack.responseUrl(ids[0]!)), encodeURIComponent(s.slack.responseUrl(ids[1]!))) };
    const answers = await Promise.all([postSigned(s.server.url, same), postSigned(s.server.url, replay), postSigned(s.server.url, other)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const texts = await Promise.all(ids.map((id) => told(id)));
    // Bob's click and its replay share an update ID, so they get one answer; Carol's is either the decision or told it was taken.
    expect(texts[1]).toBe(texts[0]);
    expect(texts.filter((t) => t.startsWith('Declined:')).length).toBeGreaterThanOrEqual(1);
    expect(texts.filter((t) => t.startsWith('Declined:') || /already declined by (bob|carol)/.test(t))).toHaveLength(3);
    expect((await s.audit(s.workflowId(key))).map((r) => r.action)).toEqual(['alert.triage.declined']);
  });
});

describe('alert triage security', () => {
  it("a guest's Accept declares nothing, starts no declaration and leaves the message alone", async () => {
    const key = `triage-${randomUUID()}`;
    await pendingGroup(key);
    const click = await s.click('alert_triage_accept', s.workflowId(key), { id: 'U0DAVE', name: 'dave' });
    expect(await told(click.replyId)).toMatch(/slack:U0DAVE is not in any team of the policy/);
    const view = await s.group(key);
    expect(view).toMatchObject({ held: { triage: { status: 'pending' } } });
    expect(view!.held!.triage!.decision).toBeUndefined();
    expect(await s.incidents(s.service)).toHaveLength(1); // the first test's, no other
    const ts = String(questions(s.workflowId(key))[0]!.response.ts);
    expect(updatesOf(ts)).toEqual([]);
    const declarations = s.system.client.workflow.list({ query: `WorkflowType = 'declareIncidentWorkflow' AND TaskQueue = '${s.system.taskQueue}'` });
    let count = 0;
    for await (const _ of declarations) count++;
    expect(count).toBe(1);
  });

  it('a forged or unknown group is refused and nothing starts', async () => {
    const unknown = s.workflowId(`never-${randomUUID()}`);
    const forged = await s.click('alert_triage_accept', unknown);
    expect(await told(forged.replyId)).toMatch(/no longer waiting for a decision/);
    const garbage = await s.click('alert_triage_accept', 'incident:INC-1');
    expect(await told(garbage.replyId)).toMatch(/no longer waiting for a decision/);
    await expect(s.system.client.workflow.getHandle(unknown).describe()).rejects.toThrow();
    expect(await s.audit(unknown)).toEqual([]);
  });
});
