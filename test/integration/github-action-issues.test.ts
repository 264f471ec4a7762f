// A postmortem action item's GitHub issue closed and reopened by people, delivered as signed
// webhooks to the real HTTP server: the item follows through the real postmortem workflow, the
// incident does not move, Firebreak's own closes are ignored and a refusal is said on the issue.
// `issues.closed` has no recorded example, so it is `issues.reopened` with action and state set.

import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { GITHUB_WEBHOOK_PATH as WEBHOOK_PATH } from '../../domain/github/refs.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { declareIncident, getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { actionItems, incidents } from '../../db/schema/index.js';
import { parseEnv } from '../../platform/config/index.js';
import { postmortemWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import type { Integration } from '../../worker/integrations.js';
import * as msg from '../../workflows/incident/messages.js';
import * as pm from '../../workflows/postmortem/messages.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { examplePayload, githubTestPolicy, PUBLIC_URL, uniqueIssueNumber, WEBHOOK_SECRET } from '../helpers/github-system.js';
import { testDataConverter } from '../helpers/encryption.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';
import { testLogger } from '../helpers/test-log.js';

const REPO = 'acme/payments';
const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

let standin: GitHubStandIn;
let database: DatabaseHandle;
let connection: Connection;
let integration: Integration;
let system: TestSystem;
let server: RunningServer;

// Like test/helpers/github-system.ts, plus the GitHub postmortem publisher on the worker, so
// action items get their issues in the stand-in.
beforeAll(async () => {
  standin = await startGitHubStandIn();
  const policy = githubTestPolicy();
  const config = parseEnv({ DATABASE_URL: inject('databaseUrl'), PUBLIC_URL, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, GITHUB_API_URL: standin.url, GITHUB_TOKEN: 'ghp_standin_token_0123456789' });
  database = connectDatabase(inject('databaseUrl'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: testDataConverter });
  const taskQueue = `test-github-actions-${randomUUID()}`;
  const logger = testLogger();
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  integration = buildGitHubIntegration({ config, policy, db: database.db, client, taskQueue, logger, redactor }, config.github!, { paceWrites: false });
  system = await startTestSystem({
    policy,
    taskQueue,
    notifiers: integration.notifiers,
    activities: integration.activities,
    postmortemNotifiers: integration.postmortemNotifiers,
    postmortemPublisher: integration.postmortemPublisher,
  });
  server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: integration.routes });
});
afterAll(async () => {
  await server?.close();
  await system?.stop();
  await integration?.stop?.();
  await connection?.close();
  await database?.close();
  await standin?.stop();
});

async function deliver(payload: unknown, id = randomUUID()): Promise<{ status: number; result?: string }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': id, 'x-hub-signature-256': signature };
  const res = await fetch(`${server.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
  return { status: res.status, result: ((await res.json()) as { status?: string }).status };
}

/** What GitHub sends when `login` closes or reopens issue `ref` (and the stand-in's issue follows). */
function stateChange(ref: string, action: 'closed' | 'reopened', login: string) {
  const number = Number(ref.split('#')[1]);
  const state = action === 'closed' ? 'closed' : 'open';
  const payload = examplePayload('issues.reopened');
  Object.assign(payload, { action });
  Object.assign(payload.repository, { full_name: REPO, name: 'payments', owner: { ...payload.repository.owner, login: 'acme' } });
  Object.assign(payload.issue, { number, state, labels: [{ id: 1, name: 'postmortem-action' }], updated_at: new Date().toISOString() });
  Object.assign(payload.sender, { login, type: 'User' });
  const issue = standin.issue(REPO, number);
  if (issue) issue.state = state;
  return payload;
}

const item = async (key: string) => (await database.db.select().from(actionItems).where(eq(actionItems.key, key)))[0]!;
const repliesOn = (ref: string) => standin.commentsOn(REPO, Number(ref.split('#')[1])).map((c) => c.body);

async function resolvedSev2(): Promise<string> {
  const { key } = await declareIncident(system, { idempotencyKey: `gh-action:${randomUUID()}`, title: 'Checkout returns 502', severity: 'SEV2', services: ['payments'], source: 'slack', reporter: alice });
  await runIncidentUpdate(system, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
  await runIncidentUpdate(system, key, msg.resolveUpdate, { actor: bob, text: 'Rolled back' });
  return key;
}

describe('GitHub issues of postmortem action items', () => {
  it('closing and reopening the issue moves the item, not the incident; bot closes are ignored; a closed postmortem refuses on the issue', async () => {
    const key = await resolvedSev2();
    const handle = system.client.workflow.getHandle(postmortemWorkflowId(key));
    await eventually(async () => (await handle.query(pm.postmortemStateQuery)).status === 'draft', 30_000, 'the postmortem draft');
    const added = await handle.executeUpdate(pm.addActionUpdate, {
      args: [{ actor: bob, text: 'alert on 502 ratio', owner: bob, due: '2099-01-01', priority: 'P2', requestKey: randomUUID() }],
    });
    const ref = added.issueRef!;
    expect(ref).toMatch(/^acme\/payments#\d+$/);
    expect((await item(added.key)).issueRef).toBe(ref);
    const phase = (await getIncidentView(system, key)).phase;
    const patches = () => standin.callsTo('PATCH', new RegExp(`^/repos/${REPO}/issues/${ref.split('#')[1]}$`));

    // A login in no team of the policy closing the issue moves nothing: the item stays open. The
    // validator refuses once the postmortem has its policy, else its queue does: a reply either way.
    const refused = await deliver(stateChange(ref, 'closed', 'mallory-gh'));
    expect(refused.result).toMatch(new RegExp(`^(refused|accepted) ${added.key} done$`));
    expect(await eventually(async () => repliesOn(ref).find((c) => c.includes('@mallory-gh')), 15_000, 'the refusal reply')).toContain(`${added.key} stays open`);
    expect((await item(added.key)).status).toBe('open');
    expect((await handle.query(pm.postmortemStateQuery)).items.find((i) => i.key === added.key)?.status).toBe('open');

    const closed = stateChange(ref, 'closed', 'alice-gh');
    const id = randomUUID();
    expect(await deliver(closed, id)).toEqual({ status: 200, result: `accepted ${added.key} done` });
    await eventually(async () => (await item(added.key)).status === 'done', 15_000, 'the item done');
    expect((await handle.query(pm.postmortemStateQuery)).items.find((i) => i.key === added.key)?.status).toBe('done');
    // The same delivery again, then the same event under a new delivery ID: nothing more happens.
    expect(await deliver(closed, id)).toEqual({ status: 200, result: 'duplicate delivery' });
    expect(await deliver(closed)).toEqual({ status: 200, result: `${added.key} already done` });
    // An action issue is no incident issue, and the change came from GitHub, so nothing is written back to it.
    expect((await getIncidentView(system, key)).phase).toBe(phase);
    expect(patches()).toEqual([]);

    // Firebreak's own bot reopening it (as after `action reopen` in Slack) is not acted on.
    expect(await deliver(stateChange(ref, 'reopened', standin.botLogin))).toEqual({ status: 200, result: 'ignored: sent by a bot' });
    expect((await item(added.key)).status).toBe('done');

    expect(await deliver(stateChange(ref, 'reopened', 'bob-gh'))).toEqual({ status: 200, result: `accepted ${added.key} open` });
    await eventually(async () => (await item(added.key)).status === 'open', 15_000, 'the item reopened');

    // Published, then the last item done on GitHub closes the postmortem; reopening is refused there.
    await handle.executeUpdate(pm.submitPostmortemUpdate, { args: [{ actor: bob }] });
    await handle.executeUpdate(pm.approvePostmortemUpdate, { args: [{ actor: carol }] });
    expect(await deliver(stateChange(ref, 'closed', 'bob-gh'))).toEqual({ status: 200, result: `accepted ${added.key} done` });
    await eventually(async () => (await handle.query(pm.postmortemStateQuery)).status === 'closed', 30_000, 'the postmortem closed');
    expect(await deliver(stateChange(ref, 'reopened', 'bob-gh'))).toEqual({ status: 200, result: `refused ${added.key} open` });
    const reply = await eventually(async () => repliesOn(ref).find((c) => c.includes('@bob-gh')), 15_000, 'the refusal reply');
    expect(reply).toContain(`The postmortem of ${key} is closed. ${added.key} stays done`);
    expect(reply).toContain('<!-- firebreak:reply -->');
    expect((await item(added.key)).status).toBe('done');
  });

  it('explains on the issue when an item has no postmortem running', async () => {
    const number = 800_001 + randomInt(99_000_000);
    const key = `INC-${number}`;
    await database.db.insert(incidents).values({
      key, number, title: 'Seeded', severity: 'SEV2', phase: 'closed', services: ['payments'], source: 'cli', reporter: { source: 'cli', id: 'carol' }, declaredAt: new Date(),
    });
    const issue = uniqueIssueNumber();
    standin.seedIssue(REPO, { number: issue, labels: ['postmortem-action'], state: 'open' });
    const ref = `${REPO}#${issue}`;
    const act = `ACT-${number}`;
    await database.db.insert(actionItems).values({
      key: act, number, incidentKey: key, text: 'seeded item', owner: 'bob', priority: 'P3', dueDate: '2099-01-01', status: 'open', issueRef: ref, createdBy: bob, createdAt: new Date(),
    });
    expect(await deliver(stateChange(ref, 'closed', 'bob-gh'))).toEqual({ status: 200, result: `refused ${act} done` });
    const reply = await eventually(async () => repliesOn(ref).find((c) => c.includes('@bob-gh')), 15_000, 'the refusal reply');
    expect(reply).toContain(`${key} has no postmortem running. ${act} stays open.`);
    // It is not taken for an incident issue either.
    expect((await item(act)).status).toBe('open');
  });
});
