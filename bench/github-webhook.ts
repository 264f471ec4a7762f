// `npm run bench:github`: how fast GitHub webhook deliveries are answered under load. Signed
// deliveries (recorded payloads from @octokit/webhooks-examples) arrive at a steady rate (default
// 100/s for 20 s after a 2 s warm-up) at the real HTTP server with the GitHub integration, built as
// `npm start` builds it, around a real worker on a real Temporal dev server and Postgres; the GitHub
// API is the recording stand-in. The mix is what a busy incident repository sends: `/incident
// status` and `/incident note` comments on incident issues (a query; an update, answered once the
// incident has accepted it, whose row, timeline event and audit entry are written after), chatter
// comments and label changes that are read and ignored, and a new incident issue (a declaration,
// answered once started) once a second. After the load it waits until every note is recorded and
// every command has its reply, and reports that too: a fast answer must not lose anything.

import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { buildGitHubIntegration } from '../worker/integrations.js';
import { GITHUB_WEBHOOK_PATH as WEBHOOK_PATH } from '../domain/github/refs.js';
import { and, count, eq, like } from 'drizzle-orm';
import { findIncidentByExternal } from '../db/queries/links.js';
import { timelineEvents } from '../db/schema/index.js';
import { startHttpServer } from '../platform/http/server.js';
import { outboundActivityDeps as integrationActivityDeps } from '../activities/outbound.js';
import { parseEnv } from '../platform/config/index.js';
import { startGitHubStandIn } from '../test/standins/github-api.js';
import { openLoop } from './load.js';
import { examplePolicy, quick, runBench, say, startBenchStack } from './stack.js';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 5 : 20));
const WARMUP_SECONDS = 2;
const INCIDENT_ISSUES = 10;
const SECRET = 'bench-webhook-secret-0123456789';
const REPO = 'Codertocat/Hello-World';
const TARGET_P99_MS = 100;
/** How long the effects of the load may take to finish after it, before the bench reports what is missing. */
const DRAIN_LIMIT_MS = 120_000;

// Out of every 100 deliveries; the declaration is the slow path (it waits for the incident to exist).
const MIX: Array<[kind: string, share: number]> = [
  ['comment:status', 40],
  ['comment:note', 20],
  ['comment:chatter', 25],
  ['issues:labeled', 14],
  ['issues:opened-incident', 1],
];

type Example = { name: string; examples: Array<Record<string, unknown> & { action?: string }> };
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
function example(event: string, action: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((p) => p.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} payload`);
  return structuredClone(found);
}

function kindOf(n: number): string {
  let slot = n % 100;
  for (const [kind, share] of MIX) {
    if (slot < share) return kind;
    slot -= share;
  }
  return MIX[0]![0];
}

async function main() {
  const policy = examplePolicy();
  // The recorded payloads' repository and sender, so they need no rewriting; Codertocat is an SRE.
  policy.services['hello-world'] = { repo: REPO, owners: ['sre'] };
  policy.teams.sre!.members.push({ name: 'codertocat', slack: 'U0CODER', github: 'Codertocat' });
  // The load is one person's: the per-person limits (5 declarations and 30 commands a minute by
  // default) would refuse nearly all of it at the door, and a refusal is not what is measured here.
  policy.limits = { declarations: { perPerson: 100_000, total: 100_000, windowSeconds: 60 }, commands: { perPerson: 100_000, total: 100_000, windowSeconds: 60 } };
  const label = policy.incidents.label;
  const standin = await startGitHubStandIn();
  const stack = await startBenchStack({ name: 'github', policy });
  try {
    const config = parseEnv({ DATABASE_URL: stack.databaseUrl, GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: standin.url, GITHUB_TOKEN: 'ghp_standin_token_0123456789' });
    const integration = buildGitHubIntegration(
      { config, policy, db: stack.database.db, client: stack.client, taskQueue: stack.taskQueue, logger: stack.logger, redactor: stack.redactor },
      config.github!,
      { paceWrites: false },
    );
    await stack.startWorker({ ...integrationActivityDeps([integration]), extra: integration.activities });
    const http = await startHttpServer({ port: 0, host: '127.0.0.1', logger: stack.logger, routes: integration.routes });
    await integration.start?.();

    const deliver = async (event: string, payload: unknown): Promise<true | string> => {
      const body = JSON.stringify(payload);
      const res = await fetch(`${http.url}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
        body,
      });
      const answer = (await res.json()) as { status?: string; error?: string };
      return res.status === 200 ? true : `HTTP ${res.status} ${answer.error ?? ''}`;
    };
    let nextIssue = 1;
    const openIncidentIssue = (title: string) => {
      const number = nextIssue++;
      standin.seedIssue(REPO, { number, title, labels: [label], user: 'Codertocat' });
      const payload = example('issues', 'opened') as { issue: Record<string, unknown> & { labels?: Array<Record<string, unknown>> } };
      payload.issue = { ...payload.issue, number, title, body: 'Checkout returns 502 for some customers.', labels: [{ ...(payload.issue.labels?.[0] ?? {}), name: label }] };
      return deliver('issues', payload);
    };
    const comment = (issue: number, text: string) => {
      const payload = example('issue_comment', 'created') as { issue: Record<string, unknown>; comment: Record<string, unknown> };
      payload.issue = { ...payload.issue, number: issue };
      payload.comment = { ...payload.comment, id: Math.floor(Math.random() * 2 ** 40), body: text };
      return deliver('issue_comment', payload);
    };

    say(`declaring ${INCIDENT_ISSUES} incidents from labelled issues`);
    for (let i = 0; i < INCIDENT_ISSUES; i++) {
      const outcome = await openIncidentIssue(`Bench incident ${i + 1}`);
      if (outcome !== true) throw new Error(`could not declare the incidents the load comments on: ${outcome}`);
    }
    // The webhook answers once a declaration has started; the load comments on linked issues only.
    for (let number = 1; number <= INCIDENT_ISSUES; number++) {
      while (!(await findIncidentByExternal(stack.database.db, 'github-issue', `${REPO}#${number}`))) await new Promise((r) => setTimeout(r, 100));
    }
    say(`${RATE} deliveries/s for ${SECONDS} s (+${WARMUP_SECONDS} s warm-up)`);
    const sent = { status: 0, note: 0 };
    const result = await openLoop({
      rate: RATE,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      send: (n) => {
        const kind = kindOf(n);
        const issue = 1 + (n % INCIDENT_ISSUES);
        if (kind === 'comment:status') {
          sent.status++;
          return { kind, done: comment(issue, '/incident status') };
        }
        if (kind === 'comment:note') {
          sent.note++;
          return { kind, done: comment(issue, `/incident note bench note ${n}`) };
        }
        if (kind === 'comment:chatter') return { kind, done: comment(issue, 'Looking at the dashboards now.') };
        if (kind === 'issues:opened-incident') return { kind, done: openIncidentIssue(`Load incident ${n}`) };
        const payload = example('issues', 'labeled') as { issue: Record<string, unknown>; label: Record<string, unknown> };
        payload.issue = { ...payload.issue, number: 100_000 + n };
        payload.label = { ...payload.label, name: 'bug' };
        return { kind, done: deliver('issues', payload) };
      },
    });
    // Answered is not done: the workers finish each command and post its reply after the answer.
    // Nothing may be lost for the speed: every note is on its timeline and every command has a reply.
    say('waiting for every note and reply');
    const loadEnded = performance.now();
    const replies = () => Array.from({ length: INCIDENT_ISSUES }, (_, i) => standin.commentsOn(REPO, i + 1).filter((c) => c.body.includes('firebreak:reply')).length).reduce((a, b) => a + b, 0);
    const notes = async () => (await stack.database.db.select({ n: count() }).from(timelineEvents).where(and(eq(timelineEvents.kind, 'note'), like(timelineEvents.text, 'bench note %'))))[0]!.n;
    while ((replies() < sent.status + sent.note || (await notes()) < sent.note) && performance.now() - loadEnded < DRAIN_LIMIT_MS) await new Promise((r) => setTimeout(r, 250));
    const effects = { notesSent: sent.note, notesRecorded: await notes(), repliesExpected: sent.status + sent.note, repliesPosted: replies(), doneMsAfterLoad: Math.round(performance.now() - loadEnded) };
    await http.close();
    await integration.stop?.();
    return {
      ratePerSecond: RATE,
      seconds: SECONDS,
      mix: Object.fromEntries(MIX.map(([k, s]) => [k, `${s}%`])),
      ...result,
      effects,
      githubApiCalls: standin.calls.length,
      targetP99Ms: TARGET_P99_MS,
      meetsTarget: result.errors === 0 && result.p99Ms < TARGET_P99_MS && effects.notesRecorded === effects.notesSent && effects.repliesPosted === effects.repliesExpected,
    };
  } finally {
    await stack.stop();
    await standin.stop();
  }
}

runBench('github-webhook', main);
