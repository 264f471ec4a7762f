// Attacks over signed GitHub deliveries and on incident numbering: a redelivered comment, a NUL in
// an issue title, a declaration whose insert fails, and an `incident:INC-N` workflow that already
// exists in the namespace for another declaration. Each asserts what was (not) written.

import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { and, eq, gt, like, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRefusal } from '../../bots/workflow-client.js';
import { takeIncidentNumber } from '../../db/queries/numbers.js';
import { incidents, processedRequests, timelineEvents } from '../../db/schema/index.js';
import { declarationWorkflowId, incidentWorkflowId } from '../../domain/ids.js';
import { EXAMPLE_REPO, examplePayload, incidentLabeledPayload, startGitHubSystem, uniqueIssueNumber, type GitHubSystem } from '../helpers/github-system.js';
import { eventually } from '../helpers/system.js';

let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem();
});
afterAll(async () => {
  await gh?.stop();
});

function labelled(number: number, title: string) {
  return incidentLabeledPayload(gh.standin, number, { title });
}

async function declareFromIssue(title: string): Promise<{ number: number; key: string }> {
  const number = uniqueIssueNumber();
  const res = await gh.deliver('issues', labelled(number, title));
  expect(res).toEqual({ status: 200, body: { status: `declaring from ${EXAMPLE_REPO}#${number}` } });
  return { number, key: await gh.declaredFrom(number) };
}

/** Waits for the one reply on issue `number`. */
async function repliedOnce(number: number): Promise<void> {
  const replies = () => gh.standin.commentsOn(EXAMPLE_REPO, number).filter((c) => c.body.includes('firebreak:reply'));
  await eventually(async () => replies().length > 0, 15_000, 'the reply');
  expect(replies()).toHaveLength(1);
}

/** The highest number handed out so far: incident rows or the sequence, whichever is ahead. */
async function highestNumber(): Promise<number> {
  const { rows } = await gh.system.database.db.execute<{ n: number }>(sql`
    SELECT greatest((SELECT coalesce(max(number), 0) FROM incidents),
      (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM incident_number_seq))::int AS n`);
  return Number(rows[0]!.n);
}

/** Numbers in (after, upTo] that no incident row holds: numbers burned. */
async function missingNumbers(after: number, upTo: number): Promise<number[]> {
  const rows = await gh.system.database.db
    .select({ number: incidents.number })
    .from(incidents)
    .where(and(gt(incidents.number, after), lte(incidents.number, upTo)));
  const held = new Set(rows.map((r) => r.number));
  return Array.from({ length: upTo - after }, (_, i) => after + 1 + i).filter((n) => !held.has(n));
}

describe('a redelivered GitHub comment', () => {
  it('runs its command once', async () => {
    const { number, key } = await declareFromIssue(`Redelivery target ${randomUUID().slice(0, 8)}`);
    const marker = `redelivered-note-${randomUUID().slice(0, 8)}`;
    const payload = examplePayload('issue_comment.created');
    payload.issue.number = number;
    payload.comment.body = `/incident note ${marker}`;
    payload.comment.id = uniqueIssueNumber();
    const delivery = randomUUID();
    const first = await gh.deliver('issue_comment', payload, { id: delivery });
    const again = await gh.deliver('issue_comment', payload, { id: delivery });
    expect([first.body.status, again.body.status]).toEqual(['accepted note', 'duplicate delivery']);
    // Answered on acceptance: the note's reply says it has run; then it is counted.
    await repliedOnce(number);
    const rows = await gh.system.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, `%${marker}%`)));
    expect(rows).toHaveLength(1);
  });
});

describe('a GitHub delivery retried after a failure', () => {
  it('runs its command once even when the webhook had forgotten the delivery', async () => {
    const { number, key } = await declareFromIssue(`Retried delivery target ${randomUUID().slice(0, 8)}`);
    const marker = `retried-note-${randomUUID().slice(0, 8)}`;
    const payload = examplePayload('issue_comment.created');
    payload.issue.number = number;
    payload.comment.body = `/incident note ${marker}`;
    payload.comment.id = uniqueIssueNumber();
    const delivery = randomUUID();
    expect((await gh.deliver('issue_comment', payload, { id: delivery })).status).toBe(200);
    await repliedOnce(number);
    // What the webhook does when a delivery fails after its update went through (a 500), so that
    // GitHub's redelivery is processed again: the update must not be applied twice.
    await gh.system.database.db.delete(processedRequests).where(eq(processedRequests.key, `github-delivery:${delivery}`));
    expect((await gh.deliver('issue_comment', payload, { id: delivery })).status).toBe(200);
    const rows = await gh.system.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, `%${marker}%`)));
    expect(rows).toHaveLength(1);
  });
});

describe('a NUL in an issue title', () => {
  it('is cleaned at the door: one number, a clean title, and no gap before the next declaration', async () => {
    const before = await highestNumber();
    const title = `Checkout\u0000 returns\u0007 502 ${randomUUID().slice(0, 8)}`;
    const { key } = await declareFromIssue(title);
    const { key: next } = await declareFromIssue(`After the NUL ${randomUUID().slice(0, 8)}`);
    const [row] = await gh.system.database.db.select().from(incidents).where(eq(incidents.key, key));
    expect([...row!.title].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(row!.title).toContain('returns 502');
    expect(Number(next.slice(4))).toBeGreaterThan(Number(key.slice(4)));
    expect(await missingNumbers(before, Number(next.slice(4)))).toEqual([]);
  });

  it('an insert that fails anyway (the door bypassed) fails at once and gives its number back', async () => {
    const before = await highestNumber();
    const idempotencyKey = `nul-bypass:${randomUUID()}`;
    const declaration = gh.system.client.workflow.execute('declareIncidentWorkflow', {
      workflowId: declarationWorkflowId(idempotencyKey),
      taskQueue: gh.system.taskQueue,
      args: [{ idempotencyKey, title: 'Title with a NUL\u0000 inside', severity: 'SEV3', services: [], source: 'cli', reporter: { source: 'cli', id: 'alice' } }],
      workflowExecutionTimeout: '2m',
    });
    const failure = await declaration.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(toRefusal(failure)?.message).toMatch(/cannot be stored/);
    const { key: next } = await declareFromIssue(`After the failed insert ${randomUUID().slice(0, 8)}`);
    expect(await missingNumbers(before, Number(next.slice(4)))).toEqual([]);
  }, 60_000);
});

describe('an incident workflow ID already taken in the namespace', () => {
  it('is passed over, never attached to, and the workflow there is left alone', async () => {
    // What a restored database or a second Firebreak on the namespace leaves behind. The next number
    // is read and its workflow started under the numbering lock, as a declaration would, so another
    // test file declaring meanwhile (one database for all) passes over it too instead of racing it.
    const { taken, foreign } = await gh.system.database.db.transaction(async (tx) => {
      const { number } = await takeIncidentNumber(tx);
      const started = await gh.system.client.workflow.start('incidentWorkflow', {
        workflowId: incidentWorkflowId(`INC-${number}`),
        taskQueue: `nobody-polls-${randomUUID()}`,
        args: [{ key: `INC-${number}`, title: 'An incident of another database' }],
      });
      return { taken: number, foreign: started };
    });
    try {
      const eventsBefore = (await foreign.fetchHistory()).events?.length;
      const title = `After a restore ${randomUUID().slice(0, 8)}`;
      const { key } = await declareFromIssue(title);
      expect(key).not.toBe(`INC-${taken}`);
      expect(await gh.system.database.db.select().from(incidents).where(eq(incidents.key, `INC-${taken}`))).toEqual([]);
      const [row] = await gh.system.database.db.select().from(incidents).where(eq(incidents.key, key));
      expect(row!.title).toBe(title);
      // The new incident runs under its own workflow; the foreign one saw nothing.
      await eventually(async () => (await gh.system.client.workflow.getHandle(incidentWorkflowId(key)).describe()).status.name === 'RUNNING' || undefined, 20_000, 'own workflow');
      const description = await foreign.describe();
      expect(description.status.name).toBe('RUNNING');
      expect((await foreign.fetchHistory()).events?.length).toBe(eventsBefore);
    } finally {
      await foreign.terminate('test over');
    }
  }, 60_000);
});
