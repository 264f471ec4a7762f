// A flood of declarations while GitHub refuses every write (403 secondary rate limit, 429, each
// with Retry-After) must not starve anyone else: an unrelated incident's note is answered and
// reaches Slack while GitHub still refuses, the worker stops when asked, and once GitHub recovers
// every refused write lands exactly once. Real worker, real activities, production pacing; the
// worker has two activity slots so that a burst of sixteen incidents is a flood for it, as two
// hundred are for the SDK's default of one hundred.

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { slackIntegration } from '../../worker/integrations.js';
import { declareIncident, getIncidentView, runIncidentUpdate, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import { parseEnv } from '../../platform/config/index.js';
import type { Actor } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { outboundActivities as integrationActivities, outboundActivityDeps as integrationActivityDeps } from '../../activities/outbound.js';
import { type Integration } from '../../worker/integrations.js';
import { installTemporalRuntime } from '../../worker/temporal-logger.js';
import { createFirebreakWorker } from '../../worker/worker.js';
import * as msg from '../../workflows/incident/messages.js';
import { testDataConverter } from '../helpers/encryption.js';
import { eventually, loadTestPolicy } from '../helpers/system.js';
import { secondaryRateLimit, startGitHubStandIn, tooManyRequests, type GitHubStandIn } from '../standins/github-api.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { testLogger } from '../helpers/test-log.js';

const FLOOD = 16;
// What GitHub asks for while it refuses (a real secondary rate limit asks for about a minute).
const RETRY_AFTER_SECONDS = 10;
const carol: Actor = { source: 'cli', id: 'carol', name: 'carol' };

let github: GitHubStandIn;
let slack: SlackStandIn;
let database: DatabaseHandle;
let connection: Connection;
let temporal: TemporalContext;
let integrations: Integration[];
let activities: Record<string, unknown>;

beforeAll(async () => {
  github = await startGitHubStandIn();
  slack = await startSlackStandIn();
  database = connectDatabase(inject('databaseUrl'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: testDataConverter });
  temporal = { client, taskQueue: `test-outbound-${randomUUID()}` };
  const policy = loadTestPolicy();
  // No reminders: an incident's notices leave in order, so a reminder stuck behind GitHub would
  // hold back that incident's later notices, and the note is meant to have nothing before it.
  Object.assign(policy.severities.SEV4!, { statusUpdateEverySeconds: 3600, commanderWithinSeconds: 3600 });
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    SLACK_BOT_TOKEN: VALID_TOKEN,
    SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    GITHUB_TOKEN: 'ghp_standin_token_0123456789',
    GITHUB_API_URL: github.url,
  });
  const logger = testLogger();
  installTemporalRuntime(testLogger());
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const ctx = { config, policy, db: database.db, client, taskQueue: temporal.taskQueue, logger, redactor };
  // Production pacing, with shorter intervals so recovery takes seconds. GitHub's notifier comes
  // first on purpose: a refusing sink must not hold back the one after it.
  const githubSide = buildGitHubIntegration(ctx, config.github!, { paceWrites: { writeIntervalMs: 300, notifyingWriteIntervalMs: 1000 } });
  const slackSide = (await slackIntegration(ctx))!;
  integrations = [githubSide, slackSide];
  activities = {
    ...createActivities({ db: database.db, policy: () => policy, redactor, logger, ...integrationActivityDeps(integrations) }),
    ...integrationActivities(integrations),
  };
});

afterAll(async () => {
  await connection?.close();
  await database?.close();
  await github?.stop();
  await slack?.close();
});

async function startWorker(): Promise<{ worker: Worker; running: Promise<void>; close(): Promise<void> }> {
  const native = await NativeConnection.connect({ address: inject('temporalAddress') });
  const bundle = inject('workflowBundlePath');
  const worker = await createFirebreakWorker({
    connection: native,
    namespace: inject('temporalNamespace'),
    taskQueue: temporal.taskQueue,
    activities: activities as never,
    workflowBundle: bundle ? { codePath: bundle } : undefined,
    dataConverter: testDataConverter,
    maxConcurrentActivityTaskExecutions: 2,
  });
  const running = worker.run();
  return { worker, running, close: () => native.close() };
}

function declare(title: string, services: string[]) {
  return declareIncident(temporal, { idempotencyKey: `cli:${randomUUID()}`, title, severity: 'SEV4', services, source: 'cli', reporter: carol });
}

/** Every event the incident recorded so far reached both sinks, its triage context included. */
async function settled(key: string): Promise<boolean> {
  const view = await getIncidentView(temporal, key);
  if (!view.timeline.some((e) => e.kind === 'context')) return false;
  const keys = new Set((await database.db.select({ key: processedRequests.key }).from(processedRequests).where(like(processedRequests.key, `%:${key}:%`))).map((r) => r.key));
  const events = [...keys].filter((k) => k.startsWith(`event:${key}:`)).map((k) => k.slice('event:'.length));
  return events.length > 0 && events.every((e) => keys.has(`notify:github:${e}`) && keys.has(`notify:slack:${e}`));
}

/** The promise's value, or 'still running' if it has not settled after `ms` (a test timeout). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(resolve, ms, 'still running')));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const refusedWrites = () => github.calls.filter((c) => c.method !== 'GET' && (c.status === 403 || c.status === 429));
const issuesOpenedFor = (key: string) => github.callsTo('POST', /^\/repos\/acme\/payments\/issues$/).filter((c) => c.status === 201 && String(c.body?.title).startsWith(`${key}:`));

describe('outbound pacing under a flood', () => {
  it("answers another incident's note and reaches Slack while GitHub refuses, stops when asked, and loses no write", async () => {
    let current = await startWorker();
    try {
      const unrelated = (await declare('Search latency unrelated to the flood', ['search'])).key;
      await eventually(() => settled(unrelated), 30_000, 'the unrelated incident mirrored to Slack and GitHub');
      const channel = (await findLink(database.db, unrelated, 'slack-channel'))!.externalId;

      const refusal = github.refuseWrites(secondaryRateLimit(RETRY_AFTER_SECONDS), tooManyRequests(RETRY_AFTER_SECONDS));
      const flood = Array.from({ length: FLOOD }, (_, n) => declare(`Flood ${n}`, ['payments']));
      const keys = (await Promise.all(flood)).map((d) => d.key);
      await eventually(async () => refusedWrites().length >= 1, 60_000, 'GitHub refusing the flood');

      const note = `Unrelated note ${randomUUID()}`;
      const noteSentAt = Date.now();
      await runIncidentUpdate(temporal, unrelated, msg.addNoteUpdate, { actor: carol, text: note });
      const post = await eventually(
        async () => slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === channel && String(c.args.text).includes(note) && c.response.ok === true),
        90_000,
        "the note's Slack post",
      );
      // While GitHub's Retry-After runs, the flood's writes wait on Temporal's timers, not in worker
      // slots, so the note went ahead of them: GitHub saw no more than the writes that end one wait
      // (two, if a second turn came up before the first refusal was back). Writes that waited in
      // the slots would each have had to go, and be refused, before the note got a slot (fourteen
      // did, before activities stopped waiting).
      const writesMeanwhile = github.calls.filter((c) => c.method !== 'GET' && c.at >= noteSentAt && c.at <= post.at);
      expect(writesMeanwhile.length, writesMeanwhile.map((c) => `${c.method} ${c.path} ${c.status}`).join('\n')).toBeLessThanOrEqual(2);
      // GitHub was still refusing after the note reached Slack: a refused write comes later.
      await eventually(async () => refusedWrites().some((c) => c.at > post.at), 90_000, 'a refused write after the post');

      // Shutdown while GitHub still refuses: the bound is a test timeout, not a timing claim.
      current.worker.shutdown();
      await expect(within(current.running.then(() => 'stopped'), 90_000)).resolves.toBe('stopped');
      await current.close();
      expect(refusedWrites().some((c) => c.at > post.at)).toBe(true);

      refusal.recover();
      current = await startWorker();
      for (const key of keys) await eventually(() => settled(key), 120_000, `${key} mirrored once GitHub recovered`);
      await eventually(() => settled(unrelated), 30_000, 'the note mirrored to GitHub');
      for (const key of keys) {
        expect(issuesOpenedFor(key), key).toHaveLength(1);
        const number = Number((await findLink(database.db, key, 'github-issue'))!.externalId.split('#')[1]);
        const comments = github.commentsOn('acme/payments', number).map((c) => c.body);
        expect(comments.filter((c) => c.includes(`${key} is triage`)), key).toHaveLength(1);
        expect(comments.filter((c) => c.includes(`Triage context for ${key}`)), key).toHaveLength(1);
      }
    } finally {
      if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
      await current.running.catch(() => undefined);
      await current.close();
    }
  }, 400_000);
});
