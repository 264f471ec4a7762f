// GitHub drives incidents over HTTP as it would in production: real recorded payloads from
// @octokit/webhooks-examples (repository Codertocat/Hello-World, sender Codertocat), signed and
// POSTed to the running server. Adaptations are per test: the issue number (each test its own
// issue), labels and comment bodies; `issues.closed` has no recorded example, so it is the
// `issues.reopened` example with action and state set to closed.

import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { githubDeliveryWorkflowId } from '../../workflows/github-delivery/messages.js';
import { findIncidentByExternal, findLink } from '../../db/queries/links.js';
import { processedRequests, timelineEvents } from '../../db/schema/index.js';
import { eventually } from '../helpers/system.js';
import { EXAMPLE_REPO, examplePayload, incidentLabeledPayload, startGitHubSystem, uniqueIssueNumber, type GitHubSystem } from '../helpers/github-system.js';

let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem();
});
afterAll(async () => {
  await gh?.stop();
});

/** `issues.labeled` as recorded, on an issue of its own, given the incident label. */
function labelled(number: number, labels = ['incident']) {
  return incidentLabeledPayload(gh.standin, number, { labels });
}

function comment(number: number, body: string, login = 'Codertocat') {
  const payload = examplePayload('issue_comment.created');
  payload.issue.number = number;
  payload.comment.body = body;
  payload.comment.id = uniqueIssueNumber();
  payload.sender.login = login;
  return payload;
}

function stateChange(number: number, action: 'closed' | 'reopened', login = 'Codertocat') {
  const payload = examplePayload('issues.reopened');
  const state = action === 'closed' ? 'closed' : 'open';
  Object.assign(payload, { action });
  Object.assign(payload.issue, { number, state });
  payload.sender.login = login;
  gh.standin.issue(EXAMPLE_REPO, number)!.state = state;
  return payload;
}

async function declareFromIssue(labels?: string[]) {
  const number = uniqueIssueNumber();
  const res = await gh.deliver('issues', labelled(number, labels));
  expect(res).toEqual({ status: 200, body: { status: `declaring from ${EXAMPLE_REPO}#${number}` } });
  return { number, key: await gh.declaredFrom(number), ref: `${EXAMPLE_REPO}#${number}` };
}

const repliesTo = (number: number) => gh.standin.commentsOn(EXAMPLE_REPO, number).filter((c) => c.body.includes('firebreak:reply'));
/** The issue's replies once there are at least `count`. */
const replies = (number: number, count: number, what: string) => eventually(async () => (repliesTo(number).length >= count ? repliesTo(number) : undefined), 15_000, what);

describe('GitHub webhooks', () => {
  it('refuses a missing or wrong signature with a 4xx and starts nothing', async () => {
    const number = uniqueIssueNumber();
    const id = randomUUID();
    expect((await gh.deliver('issues', labelled(number), { id, secret: null })).status).toBe(400);
    expect((await gh.deliver('issues', labelled(number), { id, secret: 'not-the-secret' })).status).toBe(401);
    expect(await gh.system.database.db.select().from(processedRequests).where(eq(processedRequests.key, `github-delivery:${id}`))).toEqual([]);
    expect(await findIncidentByExternal(gh.system.database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`)).toBeUndefined();
  });

  it('declares an incident for a labelled issue, linked to it, with the severity of its sev label', async () => {
    const { number, key, ref } = await declareFromIssue(['incident', 'sev:2', 'bug']);
    const view = await getIncidentView(gh.system, key);
    expect(view).toMatchObject({ severity: 'SEV2', source: 'github', sourceRef: ref, services: ['hello-world'], reporter: { source: 'github', id: 'Codertocat' } });
    expect(await findLink(gh.system.database.db, key, 'github-issue')).toMatchObject({ externalId: ref, data: { tracking: false } });
    // The notifier mirrors the incident into the issue it came from: comments and a summary block.
    await eventually(async () => gh.standin.issue(EXAMPLE_REPO, number)!.body?.includes(`${key}:`), 15_000, 'summary block');
    expect(gh.standin.issue(EXAMPLE_REPO, number)!.state).toBe('open');
  });

  it('has one effect for a redelivered delivery and finds the existing incident on a repeated trigger', async () => {
    const number = uniqueIssueNumber();
    const payload = labelled(number);
    const id = randomUUID();
    const first = await gh.deliver('issues', payload, { id });
    expect(first.body.status).toBe(`declaring from ${EXAMPLE_REPO}#${number}`);
    expect(await gh.deliver('issues', payload, { id })).toEqual({ status: 200, body: { status: 'duplicate delivery' } });
    const key = await gh.declaredFrom(number);
    // The same issue opened with the label, in a delivery of its own: the same incident.
    const opened = { ...examplePayload('issues.opened'), issue: payload.issue };
    expect((await gh.deliver('issues', opened)).body.status).toBe(`already ${key}`);
    const declared = await gh.system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key));
    expect(declared.filter((e) => e.kind === 'declared')).toHaveLength(1);
  });

  it('ignores repositories the policy does not list, and events sent by bots', async () => {
    const elsewhere = labelled(uniqueIssueNumber());
    elsewhere.repository.full_name = 'someone/else';
    expect((await gh.deliver('issues', elsewhere)).body.status).toBe('ignored: someone/else is not a repository of the policy');
    const byBot = labelled(uniqueIssueNumber());
    byBot.sender.type = 'Bot';
    expect((await gh.deliver('issues', byBot)).body.status).toBe('ignored: sent by a bot');
    const byOurLogin = labelled(uniqueIssueNumber());
    byOurLogin.sender.login = gh.standin.botLogin;
    expect((await gh.deliver('issues', byOurLogin)).body.status).toBe('ignored: sent by a bot');
    expect((await gh.deliver('ping', examplePayload('ping'))).body.status).toBe('pong');
  });

  it('answers deliveries that can do nothing without Temporal or the database: no delivery workflow, no record', async () => {
    const { number } = await declareFromIssue();
    const unlabelled = labelled(uniqueIssueNumber(), ['bug']);
    Object.assign(unlabelled.label!, { name: 'bug' });
    const deliveries: Array<[string, unknown, string]> = [
      ['issue_comment', comment(number, 'looks like the canary again'), 'ignored: not a command'],
      ['issues', unlabelled, 'ignored: no incident label'],
      ['ping', examplePayload('ping'), 'pong'],
    ];
    for (const [event, payload, status] of deliveries) {
      const id = randomUUID();
      expect(await gh.deliver(event, payload, { id })).toEqual({ status: 200, body: { status } });
      // The webhook answers after a delivery's workflow has started, so none exists now means none ever will.
      await expect(gh.system.client.workflow.getHandle(githubDeliveryWorkflowId(id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect(await gh.system.database.db.select().from(processedRequests).where(eq(processedRequests.key, `github-delivery:${id}`))).toEqual([]);
    }
    expect(repliesTo(number)).toEqual([]);
  });

  it("declares from a person's labelled issue whose body carries Firebreak's marker: a marker is never a lookup", async () => {
    // Firebreak's own tracking issues are turned away by their sender (the bot), above; text a person
    // wrote decides nothing, so a copied marker can neither hide an incident nor attach to one.
    const number = uniqueIssueNumber();
    const payload = labelled(number);
    payload.issue.body = 'Checkout is down <!-- firebreak:incident:INC-1 -->';
    expect((await gh.deliver('issues', payload)).body.status).toBe(`declaring from ${EXAMPLE_REPO}#${number}`);
    const key = await gh.declaredFrom(number);
    expect(key).toMatch(/^INC-\d+$/);
  });

  it('runs `/incident sev 1` from a comment and answers in a reply', async () => {
    const { number, key } = await declareFromIssue();
    const res = await gh.deliver('issue_comment', comment(number, '/incident sev 1 checkout is down for everyone\nmore context below'));
    // Answered once the incident has accepted the update; the reply comes when it has run.
    expect(res.body.status).toBe('accepted severity');
    const [reply] = await replies(number, 1, 'reply');
    expect((await getIncidentView(gh.system, key)).severity).toBe('SEV1');
    expect(reply!.body).toContain('@Codertocat');
    expect(reply!.body).toContain(`${key} is SEV1`);
    // The notifier follows with the severity label on the issue.
    await eventually(async () => gh.standin.issue(EXAMPLE_REPO, number)!.labels.includes('sev:1'), 10_000, 'sev:1 label');
  });

  it('refuses a command from a login the policy does not know, in a reply, and runs nothing', async () => {
    const { number, key } = await declareFromIssue();
    const res = await gh.deliver('issue_comment', comment(number, '/incident sev 1', 'dave-gh'));
    expect(res.body.status).toBe('refused: unknown login');
    const [reply] = await eventually(async () => (repliesTo(number).length ? repliesTo(number) : undefined), 10_000, 'reply');
    expect(reply!.body).toContain('@dave-gh Firebreak does not know the GitHub login `dave-gh`');
    expect((await getIncidentView(gh.system, key)).severity).toBe('SEV3');
  });

  it('answers an unreadable command with its usage and ignores comments that are not commands or are its own', async () => {
    const { number } = await declareFromIssue();
    expect((await gh.deliver('issue_comment', comment(number, '/incident sev 9'))).body.status).toBe('refused: unreadable command');
    expect((await gh.deliver('issue_comment', comment(number, 'I think /incident sev 1 would be right'))).body.status).toBe('ignored: not a command');
    // Firebreak's replies start with a marker line, so their first line is never a command.
    expect((await gh.deliver('issue_comment', comment(number, '<!-- firebreak:reply -->\n/incident sev 1'))).body.status).toBe('ignored: not a command');
    const [reply] = await eventually(async () => (repliesTo(number).length ? repliesTo(number) : undefined), 10_000, 'usage reply');
    expect(reply!.body).toContain('sev N');
  });

  it('resolves when the incident issue is closed by someone allowed to, and explains a refusal otherwise', async () => {
    const { number, key } = await declareFromIssue();
    // Refused by the validator once the incident has its policy, else in its queue: a reply either way.
    expect((await gh.deliver('issues', stateChange(number, 'closed', 'dave-gh'))).body.status).toMatch(new RegExp(`^(refused|accepted) resolve of ${key}$`));
    const [refusal] = await replies(number, 1, 'refusal');
    // dave-gh is in no team of the policy: a guest, who never resolves.
    expect(refusal!.body).toMatch(/github:dave-gh is not in any team of the policy/);
    expect((await getIncidentView(gh.system, key)).phase).not.toBe('resolved');

    expect((await gh.deliver('issues', stateChange(number, 'closed'))).body.status).toBe(`accepted resolve of ${key}`);
    await eventually(async () => (await getIncidentView(gh.system, key)).phase === 'resolved', 15_000, 'resolved');
    expect((await gh.deliver('issues', stateChange(number, 'reopened'))).body.status).toBe(`accepted reopen of ${key}`);
    await eventually(async () => (await getIncidentView(gh.system, key)).phase !== 'resolved', 15_000, 'reopened');
    // Only the refusal was said: the issue itself shows a close or reopen that counted.
    expect(repliesTo(number)).toHaveLength(1);
  });

  it('runs an incident end to end from the issue alone and closes the issue when resolved from a comment', async () => {
    const { number, key } = await declareFromIssue(['incident', 'sev:2']);
    const commands = ['/incident role commander @Codertocat', '/incident update Rolled back v1.2.3, error rate falling', '/incident mitigated', '/incident resolve fixed by rollback'];
    // As a person types them: each after the reply to the one before.
    for (const [i, text] of commands.entries()) {
      expect((await gh.deliver('issue_comment', comment(number, text))).body.status).toMatch(/^accepted /);
      await replies(number, i + 1, `the reply to ${text}`);
    }
    const view = await getIncidentView(gh.system, key);
    expect(view.phase).toBe('resolved');
    expect(view.roles.commander).toMatchObject({ source: 'github', id: 'Codertocat' });
    await eventually(async () => gh.standin.issue(EXAMPLE_REPO, number)!.state === 'closed', 15_000, 'issue closed by Firebreak');
    const comments = gh.standin.commentsOn(EXAMPLE_REPO, number).map((c) => c.body);
    expect(comments.some((c) => c.includes('Status update on') && c.includes('Rolled back v1.2.3'))).toBe(true);
    expect(comments.some((c) => c.includes(`${key} is resolved`))).toBe(true);
    const summary = gh.standin.issue(EXAMPLE_REPO, number)!.body!;
    expect(summary).toMatch(/\| Phase \| resolved \|/);
    expect(summary).toMatch(/\| Commander \| Codertocat \|/);
    // Every delivery was remembered once.
    const rows = await gh.system.database.db.select().from(processedRequests).where(like(processedRequests.key, 'github-delivery:%'));
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});
