// What a person sees when the webhook answers once the delivery's workflow has started, before the
// incident has seen the command: a refusal by the incident's validator, or one it gives later in
// its queue (the state moved on after the validator said yes), reaches the asker as a reply posted
// by the delivery's workflow. Nothing else runs.

import { WorkflowNotFoundError } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { EXAMPLE_REPO, examplePayload, incidentLabeledPayload, startGitHubSystem, uniqueIssueNumber, type GitHubSystem } from '../helpers/github-system.js';
import { eventually } from '../helpers/system.js';

let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem();
});
afterAll(async () => {
  await gh?.stop();
});

async function declareFromIssue(): Promise<{ number: number; key: string }> {
  const number = uniqueIssueNumber();
  const payload = incidentLabeledPayload(gh.standin, number, { body: null });
  expect((await gh.deliver('issues', payload)).body.status).toBe(`declaring from ${EXAMPLE_REPO}#${number}`);
  return { number, key: await gh.declaredFrom(number) };
}

function comment(number: number, body: string) {
  const payload = examplePayload('issue_comment.created');
  payload.issue.number = number;
  payload.comment.body = body;
  payload.comment.id = uniqueIssueNumber();
  return payload;
}

const repliesTo = (number: number) => gh.standin.commentsOn(EXAMPLE_REPO, number).filter((c) => c.body.includes('firebreak:reply'));
const replies = (number: number, count: number, what: string) => eventually(async () => (repliesTo(number).length >= count ? repliesTo(number) : undefined), 20_000, what);

describe('a GitHub command answered on acceptance', () => {
  it('refused by the validator: answered once the delivery is recorded, and the reason replied', async () => {
    const { number, key } = await declareFromIssue();
    // Declared SEV3 (no sev label): the validator turns this away when the delivery's workflow sends it.
    expect((await gh.deliver('issue_comment', comment(number, '/incident sev 3'))).body.status).toBe('accepted severity');
    const [reply] = await replies(number, 1, 'the refusal');
    expect(reply!.body).toContain(`@Codertocat ${key} is already SEV3.`);
    expect((await getIncidentView(gh.system, key)).timeline.filter((e) => e.kind === 'severity')).toEqual([]);
  });

  it('names an incident that does not exist: answered, then told so in the reply, and no incident workflow appears', async () => {
    const { number } = await declareFromIssue();
    const missing = 'INC-987654321';
    expect((await gh.deliver('issue_comment', comment(number, `/incident ${missing} note checking`))).body.status).toBe('accepted note');
    const [reply] = await replies(number, 1, 'the refusal');
    expect(reply!.body).toContain(`@Codertocat ${missing} does not exist`);
    // Sending an update never starts the workflow it is sent to.
    await expect(gh.system.client.workflow.getHandle(`incident:${missing}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refused later in the incident queue: the delivery workflow replies with the reason', async () => {
    const { number, key } = await declareFromIssue();
    // Holding the incident's row keeps the first `mitigated` mid-write, so the second is accepted
    // (the validator still sees triage) and is refused only when its turn comes.
    const holder = new pg.Client({ connectionString: inject('databaseUrl') });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM incidents WHERE key = $1 FOR UPDATE', [key]);
      const answers = await Promise.all([gh.deliver('issue_comment', comment(number, '/incident mitigated')), gh.deliver('issue_comment', comment(number, '/incident mitigated again'))]);
      expect(answers.map((a) => a.body.status)).toEqual(['accepted mitigated', 'accepted mitigated']);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    const both = await replies(number, 2, 'both replies');
    const bodies = both.map((c) => c.body).sort();
    expect(bodies.filter((b) => b.includes(`${key} is SEV3, monitoring.`))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes(`@Codertocat ${key} is already mitigated and being monitored`))).toHaveLength(1);
    const view = await getIncidentView(gh.system, key);
    expect(view.phase).toBe('monitoring');
    // One of the two ran (whichever the queue took first), the other was refused.
    expect(view.timeline.filter((e) => e.kind === 'phase' && ['Marked mitigated; monitoring', 'again'].includes(e.text))).toHaveLength(1);
  });
});
