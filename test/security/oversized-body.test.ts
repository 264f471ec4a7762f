// Bodies as an attacker sends them, to the running server: 24 MB GitHub deliveries (forty at once),
// chunked bodies that never end, bodies trickled a byte at a time. Each is refused or cut off before
// it is held in memory or reaches a signature check, and starts nothing; real Slack and GitHub
// payloads still go through. Assertions are on answers and on the absence of effects, not on time.

import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_WEBHOOK_PATH as WEBHOOK_PATH } from '../../domain/github/refs.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { PROCESS_BODY_BUDGET } from '../../platform/http/read-body.js';
import { incidents, processedRequests } from '../../db/schema/index.js';
import { createLogger } from '../../platform/logger.js';
import { EXAMPLE_REPO, examplePayload, startGitHubSystem, uniqueIssueNumber, WEBHOOK_SECRET, type GitHubSystem } from '../helpers/github-system.js';
import { repeatedBytes, sendRaw, trickle } from '../helpers/raw-http.js';
import { signedHeaders, slashCommand, viewSubmission } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';

const MB = 1024 * 1024;
const ATTACK_BYTES = 24 * MB;

let gh: GitHubSystem;
let slack: SlackHarness;
/** The GitHub routes again, on a server whose request deadline is short enough to watch expire. */
let impatient: RunningServer;

beforeAll(async () => {
  gh = await startGitHubSystem();
  slack = await startSlackHarness();
  impatient = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
    routes: gh.integration.routes,
    requestTimeoutMs: 1_000,
    headersTimeoutMs: 1_000,
  });
});
afterAll(async () => {
  await impatient?.close();
  await slack?.stop();
  await gh?.stop();
});

const sign = (body: Buffer | string) => `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
const BAD_SIGNATURE = `sha256=${'0'.repeat(64)}`;

function githubHeaders(id: string, signature: string, contentLength?: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': 'issues',
    'x-github-delivery': id,
    'x-hub-signature-256': signature,
    ...(contentLength === undefined ? {} : { 'content-length': String(contentLength) }),
  };
}

/** A recorded `issues.labeled` delivery for an issue of its own, its body padded to `bytes`. */
function labelledIssue(number: number, padTo?: number): Buffer {
  const payload = examplePayload('issues.labeled');
  payload.issue.number = number;
  payload.issue.title = `Checkout returns 502 (#${number})`;
  payload.issue.labels = [{ id: 1, node_id: 'L_incident', url: '', name: 'incident', color: 'd73a4a', default: false, description: null }];
  payload.label = payload.issue.labels[0];
  gh.standin.seedIssue(EXAMPLE_REPO, { number, title: payload.issue.title, body: null, labels: ['incident'], user: 'Codertocat' });
  const bare = Buffer.from(JSON.stringify(payload));
  if (padTo === undefined) return bare;
  payload.issue.body = 'x'.repeat(padTo - bare.length);
  return Buffer.from(JSON.stringify(payload));
}

async function nothingStartedFor(number: number, deliveryId: string): Promise<void> {
  // A later delivery that does declare shows the server has caught up before we count.
  const witness = uniqueIssueNumber();
  const body = labelledIssue(witness);
  const declared = await fetch(`${gh.server.url}${WEBHOOK_PATH}`, { method: 'POST', headers: githubHeaders(randomUUID(), sign(body)), body });
  expect(declared.status).toBe(200);
  expect(((await declared.json()) as { status: string }).status).toMatch(/^declaring from /);
  await gh.declaredFrom(witness);
  expect(await gh.system.database.db.select().from(processedRequests).where(eq(processedRequests.key, `github-delivery:${deliveryId}`))).toEqual([]);
  expect(await findIncidentByExternal(gh.system.database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`)).toBeUndefined();
  expect(gh.standin.calls.filter((c) => c.path.includes(`/issues/${number}`))).toEqual([]);
}

describe('request bodies are capped before they are read', () => {
  it('answers an unsigned 24 MB GitHub delivery 413 without reading it, and starts nothing', async () => {
    const number = uniqueIssueNumber();
    const id = randomUUID();
    const body = labelledIssue(number, ATTACK_BYTES);
    const answer = await sendRaw({ url: gh.server.url, path: WEBHOOK_PATH, headers: githubHeaders(id, BAD_SIGNATURE, body.length), body: [body] });
    expect(answer.status).toBe(413);
    await nothingStartedFor(number, id);
  });

  it('refuses a correctly signed 24 MB delivery too: the cap comes before the signature', async () => {
    const number = uniqueIssueNumber();
    const id = randomUUID();
    const body = labelledIssue(number, ATTACK_BYTES);
    const answer = await sendRaw({ url: gh.server.url, path: WEBHOOK_PATH, headers: githubHeaders(id, sign(body), body.length), body: [body] });
    expect(answer.status).toBe(413);
    expect(answer.bodyBytesSent).toBeLessThan(body.length);
    await nothingStartedFor(number, id);
  });

  it('keeps answering /healthz while forty oversized bodies arrive at once', async () => {
    const attacks = Array.from({ length: 40 }, () =>
      sendRaw({ url: gh.server.url, path: WEBHOOK_PATH, headers: githubHeaders(randomUUID(), BAD_SIGNATURE, ATTACK_BYTES), body: repeatedBytes(ATTACK_BYTES) }),
    );
    const health = await fetch(`${gh.server.url}/healthz`);
    expect(health.status).toBe(200);
    const answers = await Promise.all(attacks);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 413));
    expect((await fetch(`${gh.server.url}/healthz`)).status).toBe(200);
  });

  it('cuts off a chunked body (no Content-Length) once it passes the cap', async () => {
    const answer = await sendRaw({
      url: gh.server.url,
      path: WEBHOOK_PATH,
      headers: githubHeaders(randomUUID(), BAD_SIGNATURE),
      body: repeatedBytes(ATTACK_BYTES),
      chunked: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.bodyBytesSent).toBeLessThan(ATTACK_BYTES);
  });

  it('refuses an oversized Slack request and declares nothing', async () => {
    const title = `Oversized ${randomUUID()}`;
    const command = slashCommand({ text: `declare ${title} ${'x'.repeat(2 * MB)}` });
    const body = Buffer.from(command.body);
    const answer = await sendRaw({ url: slack.server.url, path: '/slack/events', headers: { ...signedHeaders(command), 'content-length': String(body.length) }, body: [body] });
    expect(answer.status).toBe(413);
    const { response } = await slack.command('help');
    expect(response.status).toBe(200);
    expect(await slack.system.database.db.select().from(incidents).where(eq(incidents.title, title))).toEqual([]);
  });

  it('refuses new bodies with 503 while reads in progress hold the process budget, and starts nothing', async () => {
    // Stands for many concurrent bodies, each under its cap, that have not finished arriving.
    const held = PROCESS_BODY_BUDGET.limitBytes - PROCESS_BODY_BUDGET.inUse;
    expect(PROCESS_BODY_BUDGET.take(held)).toBe(true);
    const title = `Budget ${randomUUID()}`;
    let busy: Response;
    try {
      busy = await slack.post(slashCommand({ text: `declare ${title}` }));
      expect((await fetch(`${slack.server.url}/healthz`)).status).toBe(200);
    } finally {
      PROCESS_BODY_BUDGET.release(held);
    }
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    const { response } = await slack.command('help');
    expect(response.status).toBe(200);
    expect(await slack.system.database.db.select().from(incidents).where(eq(incidents.title, title))).toEqual([]);
  });

  it('closes a connection that trickles its body', async () => {
    const answer = await sendRaw({
      url: impatient.url,
      path: WEBHOOK_PATH,
      headers: githubHeaders(randomUUID(), BAD_SIGNATURE, 10_000),
      body: trickle(10_000, 50),
      // Only a bound for a server that never closes; nothing is asserted about time.
      giveUpAfterMs: 30_000,
    });
    expect(answer.closedByServer).toBe(true);
    expect(answer.status).toBe(408);
    expect(answer.bodyBytesSent).toBeLessThan(10_000);
  });
});

describe('real payloads still fit', () => {
  it('accepts a signed recorded GitHub delivery and a comment as long as GitHub allows', async () => {
    const number = uniqueIssueNumber();
    const body = labelledIssue(number);
    const res = await fetch(`${gh.server.url}${WEBHOOK_PATH}`, { method: 'POST', headers: githubHeaders(randomUUID(), sign(body)), body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toMatch(/^declaring from /);
    await gh.declaredFrom(number);

    // GitHub caps a comment at 65,536 characters; the event carries the issue body as well.
    const comment = examplePayload('issue_comment.created');
    comment.issue.number = number;
    comment.issue.body = 'é'.repeat(65_536);
    comment.comment.body = `${'note '.repeat(13_000)}`.slice(0, 65_536);
    comment.comment.id = uniqueIssueNumber();
    const big = JSON.stringify(comment);
    const commented = await fetch(`${gh.server.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { ...githubHeaders(randomUUID(), sign(big)), 'x-github-event': 'issue_comment' },
      body: big,
    });
    expect(commented.status).toBe(200);
  });

  it('accepts a real Slack interactivity payload: the declaration form declares', async () => {
    const title = `Card payments failing ${randomUUID()}`;
    const submission = viewSubmission({
      viewId: `VSIZE${Date.now()}`,
      values: {
        title: { title: { type: 'plain_text_input', value: title } },
        severity: { severity: { type: 'static_select', selected_option: { value: 'SEV2' } } },
        services: { services: { type: 'multi_static_select', selected_options: [{ value: 'payments' }] } },
        description: { description: { type: 'plain_text_input', value: 'd'.repeat(3_000) } },
      },
      privateMetadata: JSON.stringify({ channel: 'C0INCIDENTS' }),
    });
    expect((await slack.post(submission)).status).toBe(200);
    await eventually(async () => (await slack.system.database.db.select().from(incidents).where(eq(incidents.title, title))).length === 1, 60_000, 'incident row');
  });
});

describe('server deadlines', () => {
  it('bounds how long headers and a whole request may take by default', () => {
    expect(gh.server.server.headersTimeout).toBeLessThanOrEqual(15_000);
    expect(gh.server.server.requestTimeout).toBeLessThanOrEqual(60_000);
    expect(gh.server.server.requestTimeout).toBeGreaterThan(0);
  });
});
