// `npm run bench:declare`: how long a person waits from `/incident declare …` until the incident's
// channel has its pinned summary. Signed slash commands go to the real HTTP server with the Slack
// integration, built as `npm start` builds it, around a real worker on a real Temporal dev server and
// Postgres; the Slack Web API is the recording stand-in. Each declaration is timed from just before
// its request leaves until the stand-in records `pins.add` in that incident's channel (the summary
// pin is the last step of the channel set-up). Default 50 declarations, 5 in flight at a time.

import { performance } from 'node:perf_hooks';
import { slackIntegration } from '../worker/integrations.js';
import { startHttpServer } from '../platform/http/server.js';
import { outboundActivityDeps as integrationActivityDeps } from '../activities/outbound.js';
import { parseEnv } from '../platform/config/index.js';
import { postSigned, SIGNING_SECRET, slashCommand } from '../test/helpers/slack-requests.js';
import { startSlackStandIn, VALID_TOKEN } from '../test/standins/slack-api.js';
import { percentile, quick, round, runBench, say, startBenchStack } from './stack.js';

const COUNT = Number(process.env.BENCH_COUNT ?? (quick ? 10 : 50));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (quick ? 3 : 5));
const TIMEOUT_MS = 60_000;

async function main() {
  const slack = await startSlackStandIn();
  const stack = await startBenchStack({ name: 'declare' });
  try {
    const config = parseEnv({ DATABASE_URL: stack.databaseUrl, SLACK_BOT_TOKEN: VALID_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
    const integration = await slackIntegration({ config, policy: stack.policy, db: stack.database.db, client: stack.client, taskQueue: stack.taskQueue, logger: stack.logger, redactor: stack.redactor });
    if (!integration) throw new Error('the Slack integration did not build');
    await stack.startWorker({ ...integrationActivityDeps([integration]), extra: integration.activities });
    const http = await startHttpServer({ port: 0, host: '127.0.0.1', logger: stack.logger, routes: integration.routes });
    await integration.start?.();

    /** Epoch ms of the summary pin in the channel of `key`, once the stand-in has seen it. */
    const pinnedAt = (key: string): number | undefined => {
      const prefix = `inc-${key.replace(/^INC-/, '')}-`;
      for (const call of slack.callsTo('pins.add')) {
        if (call.status !== 200 || call.response.ok !== true) continue;
        const channel = slack.state.channels.get(String(call.args.channel));
        if (channel?.name.startsWith(prefix)) return call.at;
      }
      return undefined;
    };

    const declareOnce = async (n: number) => {
      const replyId = `declare-${n}`;
      const sentAt = Date.now();
      const began = performance.now();
      const res = await postSigned(http.url, slashCommand({ text: `declare Bench declaration ${n} checkout slow sev:4`, responseUrl: slack.responseUrl(replyId) }));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`declaration ${n}: HTTP ${res.status}`);
      const ackMs = performance.now() - began;
      const deadline = Date.now() + TIMEOUT_MS;
      let key: string | undefined;
      let at: number | undefined;
      while (Date.now() < deadline) {
        key ??= slack.responses.filter((r) => r.id === replyId).map((r) => /INC-\d+/.exec(JSON.stringify(r.body))?.[0]).find(Boolean);
        at = key ? pinnedAt(key) : undefined;
        if (at !== undefined) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      if (at === undefined) throw new Error(`declaration ${n}: no pinned summary within ${TIMEOUT_MS / 1000} s (${key ?? 'no incident key in the reply'})`);
      return { ackMs, summaryMs: at - sentAt };
    };

    say(`${COUNT} declarations, ${CONCURRENCY} in flight`);
    const results: Array<{ ackMs: number; summaryMs: number }> = [];
    const errors: string[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COUNT) {
          const n = next++;
          await declareOnce(n).then((r) => void results.push(r), (err: unknown) => void errors.push(String(err)));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await http.close();
    await integration.stop?.();
    const summary = results.map((r) => r.summaryMs).sort((a, b) => a - b);
    const ack = results.map((r) => r.ackMs).sort((a, b) => a - b);
    return {
      declarations: COUNT,
      concurrency: CONCURRENCY,
      completed: results.length,
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
      seconds: round(seconds),
      declareToPinnedSummaryMs: { p50: percentile(summary, 50), p95: percentile(summary, 95), max: percentile(summary, 100) },
      ackMs: { p50: percentile(ack, 50), p95: percentile(ack, 95) },
      slackApiCalls: slack.calls.length,
    };
  } finally {
    await stack.stop();
    await slack.close();
  }
}

runBench('declare-to-summary', main);
