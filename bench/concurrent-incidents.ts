// `npm run bench:incidents`: many incidents at once on ONE worker. Default 1,000 incidents, each taken
// declare → role commander → mitigated → resolve through the same client calls the front-ends make
// (bots/workflow-client.ts), with at most 100 incidents in flight. SEV4 under the example policy needs no
// postmortem, and no Slack or GitHub notifier is configured, so what is measured is the workflows,
// their activities and Postgres. The worker runs in this process (with the client), tuned by the same
// FIREBREAK_MAX_… and DATABASE_POOL_SIZE settings `npm start` reads (bench/stack.ts); its workflow
// and activity task counts come from the SDK's own Prometheus metrics, its RSS is sampled every 250 ms.
// CPU seconds (this process, the dev server, the database's backends) per incident are printed
// beside the wall time: on a machine shared with other work they vary far less than the time does.

import { loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { Runtime } from '@temporalio/worker';
import { freePort } from '../platform/free-port.js';
import { createLogger } from '../platform/logger.js';
import { temporalLogger } from '../worker/temporal-logger.js';
import { cpuSnapshot, cpuSpent } from './alerts-cpu.js';
import { LIFECYCLE_STEPS, runIncidentLifecycles } from './incident-lifecycle.js';
import { percentile, quick, round, runBench, say, startBenchStack } from './stack.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? (quick ? 100 : 1000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (quick ? 50 : 100));
const RSS_EVERY_MS = 250;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Sums every series of the named metrics (any label set, with or without unit/`_total` suffixes). */
async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const wanted: Record<string, RegExp> = {
    workflowTasks: /^temporal_workflow_task_execution_latency(?:_seconds|_milliseconds)?_count\b/,
    workflowTaskPolls: /^temporal_workflow_task_queue_poll_succeed(?:_total)?\b/,
    workflowTaskFailures: /^temporal_workflow_task_execution_failed(?:_total)?\b/,
    activityTasks: /^temporal_activity_execution_latency(?:_seconds|_milliseconds)?_count\b/,
    workflowsCompleted: /^temporal_workflow_completed(?:_total)?\b/,
  };
  const sums: Record<string, number> = Object.fromEntries(Object.keys(wanted).map((k) => [k, 0]));
  for (const line of text.split('\n')) {
    for (const [name, pattern] of Object.entries(wanted)) if (pattern.test(line)) sums[name]! += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sums;
}

async function main() {
  const metricsBind = `127.0.0.1:${await freePort()}`;
  const metricsUrl = `http://${metricsBind}/metrics`;
  // Before any connection exists: the runtime is installed once per process.
  Runtime.install({ logger: temporalLogger(createLogger({ level: 'warn' })), telemetryOptions: { metrics: { prometheus: { bindAddress: metricsBind } } } });
  const stack = await startBenchStack({ name: 'incidents' });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), RSS_EVERY_MS);
  try {
    await stack.startWorker();
    const ctx = { client: stack.client, taskQueue: stack.taskQueue };
    const rssAtStart = process.memoryUsage().rss;
    peakRss = rssAtStart;
    const before = await scrape(metricsUrl);
    const runId = Date.now().toString(36);

    say(`${INCIDENTS} incidents, ${CONCURRENCY} in flight`);
    const temporalPort = stack.temporal.address.split(':').pop()!;
    const databaseName = new URL(stack.databaseUrl).pathname.slice(1);
    const loadAtStart = loadavg()[0]!;
    const cpuBefore = cpuSnapshot(temporalPort, databaseName);
    const started = performance.now();
    const { durations, errors } = await runIncidentLifecycles(ctx, runId, INCIDENTS, CONCURRENCY, (done) => say(`${done}/${INCIDENTS} done, RSS ${mb(process.memoryUsage().rss)} MB`));
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSpent(cpuBefore, cpuSnapshot(temporalPort, databaseName), seconds);
    const after = await scrape(metricsUrl);
    const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
    durations.sort((a, b) => a - b);
    return {
      incidents: INCIDENTS,
      concurrency: CONCURRENCY,
      steps: `${LIFECYCLE_STEPS} (SEV4, no postmortem, no notifiers)`,
      completed: durations.length,
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
      totalSeconds: round(seconds),
      incidentsPerSecond: round(durations.length / seconds),
      perIncidentMs: { p50: percentile(durations, 50), p95: percentile(durations, 95), max: percentile(durations, 100) },
      cpuSeconds: cpu,
      cpuMsPerIncident: {
        benchProcess: Math.round((cpu.benchProcess * 1000) / INCIDENTS),
        all: Math.round(((cpu.benchProcess + cpu.temporalServer + cpu.postgres) * 1000) / INCIDENTS),
      },
      loadAverage1m: { atStart: round(loadAtStart), atEnd: round(loadavg()[0]!) },
      tuning: stack.tuning,
      worker: {
        inProcess: true,
        workflowTasks: delta.workflowTasks,
        workflowTasksPerSecond: round(delta.workflowTasks! / seconds),
        workflowTaskFailures: delta.workflowTaskFailures,
        activityTasks: delta.activityTasks,
        activityTasksPerSecond: round(delta.activityTasks! / seconds),
        workflowsCompleted: delta.workflowsCompleted,
        source: 'SDK Prometheus metrics (workflow_task_execution_latency count, activity_execution_latency count), difference over the run',
        rssAtStartMb: mb(rssAtStart),
        peakRssMb: mb(peakRss),
        rssSampledEveryMs: RSS_EVERY_MS,
        // `npm run bench:incidents` caps the heap as the Docker image does (NODE_OPTIONS there).
        heapLimitMb: mb(getHeapStatistics().heap_size_limit),
      },
    };
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

runBench('concurrent-incidents', main);
