// The webhook answers once the delivery's workflow has started, before the note is sent or written.
// A worker that dies mid-write (SIGKILL) loses nothing: the update is in the incident's history and
// the delivery in its own workflow's, so the next worker writes the note, once, and the delivery's
// workflow (its send retried under the same update ID) posts its reply, once. A redelivery of the
// same delivery after the answer does nothing more.

import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createGitHubInbound } from '../../bots/github/integration.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { timelineEvents } from '../../db/schema/index.js';
import { GITHUB_WEBHOOK_PATH } from '../../domain/github/refs.js';
import { parseEnv } from '../../platform/config/index.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { testDataConverter } from '../helpers/encryption.js';
import { EXAMPLE_REPO, PUBLIC_URL, WEBHOOK_SECRET, examplePayload, githubTestPolicy, uniqueIssueNumber } from '../helpers/github-system.js';
import { eventually } from '../helpers/system.js';
import { testLogFd, testLogger } from '../helpers/test-log.js';

const taskQueue = `test-github-crash-${randomUUID()}`;
let standin: GitHubStandIn;
let database: DatabaseHandle;
let connection: Connection;
let server: RunningServer;

beforeAll(async () => {
  standin = await startGitHubStandIn();
  database = connectDatabase(inject('databaseUrl'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: testDataConverter });
  const config = parseEnv({ DATABASE_URL: inject('databaseUrl'), PUBLIC_URL, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, GITHUB_API_URL: standin.url, GITHUB_TOKEN: 'ghp_standin_token_0123456789' });
  // Only the HTTP half here, as FIREBREAK_ROLE=http runs it; the workers are child processes.
  const inbound = createGitHubInbound({ config, policy: githubTestPolicy(), db: database.db, client, taskQueue, logger: testLogger() }, config.github!, { botLogin: async () => standin.botLogin });
  server = await startHttpServer({ port: 0, host: '127.0.0.1', logger: testLogger(), routes: inbound.routes });
});
afterAll(async () => {
  await server?.close();
  await connection?.close();
  await database?.close();
  await standin?.stop();
});

function startWorker(stallText = '') {
  const child = spawn('npx', ['tsx', 'test/helpers/github-worker-child.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      WORKFLOW_BUNDLE: inject('workflowBundlePath') ?? '',
      GITHUB_API_URL: standin.url,
      PUBLIC_URL,
      WEBHOOK_SECRET,
      REPO: EXAMPLE_REPO,
      STALL_TEXT: stallText,
    },
    stdio: ['ignore', 'pipe', testLogFd()],
    detached: true,
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    async waitFor(key: string): Promise<void> {
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        if (key in (JSON.parse(next.value) as Record<string, unknown>)) return;
      }
      throw new Error(`the worker exited before reporting ${key}`);
    },
    async kill(): Promise<void> {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}

async function deliver(event: string, payload: unknown, id = randomUUID()): Promise<string | undefined> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const res = await fetch(`${server.url}${GITHUB_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': signature },
    body,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status?: string }).status;
}

const replies = (number: number) => standin.commentsOn(EXAMPLE_REPO, number).filter((c) => c.body.includes('firebreak:reply'));

it('a worker killed between the answer and the note: the note lands once and is replied to once', { timeout: 240_000 }, async () => {
  const marker = `crash-note-${randomUUID().slice(0, 8)}`;
  let worker = startWorker(marker);
  await worker.waitFor('running');
  try {
    const number = uniqueIssueNumber();
    const issue = examplePayload('issues.labeled');
    Object.assign(issue.issue, { number, title: `Checkout returns 502 (#${number})`, labels: [{ id: 1, name: 'incident' }] });
    Object.assign(issue, { label: { id: 1, name: 'incident' } });
    standin.seedIssue(EXAMPLE_REPO, { number, title: issue.issue.title, body: null, labels: ['incident'], user: 'Codertocat' });
    expect(await deliver('issues', issue)).toBe(`declaring from ${EXAMPLE_REPO}#${number}`);
    const key = await eventually(() => findIncidentByExternal(database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`), 60_000, 'the incident');

    const comment = examplePayload('issue_comment.created');
    comment.issue.number = number;
    comment.comment.body = `/incident note ${marker}`;
    comment.comment.id = uniqueIssueNumber();
    const delivery = randomUUID();
    // Answered: the delivery's workflow has started; it sends the note, whose write is in flight when the worker dies.
    expect(await deliver('issue_comment', comment, delivery)).toBe('accepted note');
    await worker.waitFor('stalled');
    await worker.kill();
    // GitHub (or the redelivery schedule) sends it again: it was answered, so nothing runs twice.
    expect(await deliver('issue_comment', comment, delivery)).toBe('duplicate delivery');

    worker = startWorker();
    await worker.waitFor('running');
    const notes = () => database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, `%${marker}%`)));
    await eventually(async () => (await notes()).length > 0, 120_000, 'the note written by the next worker');
    const [reply] = await eventually(async () => (replies(number).length ? replies(number) : undefined), 60_000, 'the reply');
    expect(reply!.body).toContain(`@Codertocat ${key} is SEV3`);
    // A later command's reply shows the deliveries have settled; then nothing is doubled.
    const later = examplePayload('issue_comment.created');
    later.issue.number = number;
    later.comment.body = '/incident status';
    later.comment.id = uniqueIssueNumber();
    expect(await deliver('issue_comment', later)).toBe('ran status');
    await eventually(async () => replies(number).length >= 2, 60_000, 'the later reply');
    expect(await notes()).toHaveLength(1);
    expect(replies(number)).toHaveLength(2);
  } finally {
    await worker.kill();
  }
});
