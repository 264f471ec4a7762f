// `npm run bench:slack`: how fast `/incident` is acknowledged under load. Signed slash commands
// arrive at a steady rate (default 200/s for 20 s) at Firebreak, running as `npm start` runs it
// (real Temporal dev server, worker and Postgres; Slack Web API stand-in), and then at a bare Bolt
// app that only acks the same command. Prints one JSON object: p50/p99 of both and their ratio.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { App } from '@slack/bolt';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { createActivities } from '../activities/index.js';
import { slackIntegration } from '../worker/integrations.js';
import { startHttpServer } from '../platform/http/server.js';
import { declareIncident } from '../bots/workflow-client.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { parseEnv } from '../platform/config/index.js';
import { parsePolicy } from '../domain/policy/index.js';
import { createRedactor } from '../domain/redact.js';
import { ensureTemporalCli } from '../worker/temporal-cli.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../test/standins/slack-api.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../test/helpers/slack-requests.js';
import { startDevServer } from '../worker/dev-server.js';
import { freePort } from '../platform/free-port.js';
import { createLogger } from '../platform/logger.js';
import { installTemporalRuntime } from '../worker/temporal-logger.js';
import { createFirebreakWorker } from '../worker/worker.js';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 2;
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const logger = createLogger({ level: 'silent' });
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Stats {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Firebreak only: commands whose result reached the response_url after the ack. */
  repliedAfterAck?: number;
}

/** Open loop: requests leave on schedule whether or not earlier ones were answered. */
async function load(send: () => Promise<Response>): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const total = RATE * (SECONDS + WARMUP_SECONDS);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      for (; sent < due; sent++) {
        const counted = sent >= RATE * WARMUP_SECONDS;
        const began = performance.now();
        inFlight.push(
          send()
            .then(async (res) => {
              await res.arrayBuffer();
              if (res.status !== 200) errors++;
              else if (counted) latencies.push(performance.now() - began);
            })
            .catch(() => void errors++),
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  return { requests: latencies.length, errors, p50Ms: pick(0.5), p99Ms: pick(0.99), maxMs: round(latencies.at(-1) ?? NaN) };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function settle(count: () => number, expected: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return count();
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `firebreak_bench_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** Firebreak as `npm start` wires it, answering `/incident INC-N status` (a query after the ack). */
async function benchFirebreak(slack: SlackStandIn, databaseUrl: string): Promise<Stats> {
  const temporal = await startDevServer({ cli: await ensureTemporalCli({ log: say }), uiPort: false });
  await runMigrations(databaseUrl);
  const database = connectDatabase(databaseUrl);
  const policy = parsePolicy(readFileSync('firebreak.config.yaml', 'utf8'), 'firebreak.config.yaml');
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const native = await NativeConnection.connect({ address: temporal.address });
  const client = new Client({ connection: native, namespace: temporal.namespace });
  const taskQueue = 'firebreak-bench';
  const config = parseEnv({ DATABASE_URL: databaseUrl, SLACK_BOT_TOKEN: VALID_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  const slackApp = (await slackIntegration({ config, policy, db: database.db, client, taskQueue, logger, redactor }))!;
  const activities = createActivities({ db: database.db, policy: () => policy, redactor, logger, notifiers: slackApp.notifiers });
  const worker = await createFirebreakWorker({ connection: native, namespace: temporal.namespace, taskQueue, activities });
  const running = worker.run();
  const http = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: slackApp.routes });
  await slackApp.start?.();
  try {
    const reporter = { source: 'slack' as const, id: 'U0BENCH', name: 'bench' };
    const { key } = await declareIncident({ client, taskQueue }, { idempotencyKey: `bench:${Date.now()}`, title: 'Bench incident', severity: 'SEV4', services: [], source: 'slack', reporter });
    say(`Firebreak: ${RATE} req/s for ${SECONDS} s (+${WARMUP_SECONDS} s warm-up) of \`/incident ${key} status\``);
    const stats = await load(() => postSigned(http.url, slashCommand({ text: `${key} status`, responseUrl: slack.responseUrl('bench') })));
    // The work after each ack (a query, then the reply) must finish before Temporal goes away.
    const replied = await settle(() => slack.responses.filter((r) => r.id === 'bench').length, RATE * (SECONDS + WARMUP_SECONDS) - stats.errors);
    return { ...stats, repliedAfterAck: replied };
  } finally {
    await http.close();
    worker.shutdown();
    await running;
    await native.close();
    await database.close();
    await temporal.stop();
  }
}

/** The floor: Bolt's own HTTP receiver and a listener that only acks. */
async function benchBareBolt(slack: SlackStandIn): Promise<Stats> {
  const port = await freePort();
  const app = new App({ signingSecret: SIGNING_SECRET, token: VALID_TOKEN, clientOptions: { slackApiUrl: slack.apiUrl }, logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} } });
  app.command('/incident', async ({ ack }) => {
    await ack();
  });
  await app.start(port);
  try {
    say(`bare Bolt: ${RATE} req/s for ${SECONDS} s`);
    return await load(() => postSigned(`http://127.0.0.1:${port}`, slashCommand({ text: 'INC-1 status', responseUrl: slack.responseUrl('bench-bolt') })));
  } finally {
    await app.stop();
  }
}

async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const slack = await startSlackStandIn();
  try {
    const firebreak = await withDatabase((url) => benchFirebreak(slack, url));
    const bareBolt = await benchBareBolt(slack);
    const p99Ratio = round(firebreak.p99Ms / bareBolt.p99Ms);
    console.log(
      JSON.stringify({
        benchmark: 'slack-ack',
        ratePerSecond: RATE,
        seconds: SECONDS,
        firebreak,
        bareBolt,
        ratio: { p50: round(firebreak.p50Ms / bareBolt.p50Ms), p99: p99Ratio },
        targets: { firebreakP99Under100Ms: firebreak.p99Ms < 100, p99Within1_5xOfBolt: p99Ratio <= 1.5 },
      }),
    );
  } finally {
    await slack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
