// `npm run bench:cluster`: incident throughput on a real Temporal server on Postgres (the cluster of
// test/helpers/temporal-cluster.ts) with ONE Firebreak worker process, then with TWO, side by side
// in one run. Each phase takes BENCH_INCIDENTS incidents (default 300, BENCH_CONCURRENCY 50 in
// flight) declare → role commander → mitigated → resolve through the client calls the front-ends
// make (bots/workflow-client.ts), on a task queue of its own served only by that phase's worker
// processes (FIREBREAK_ROLE=worker, started as production starts them, example policy, no Slack or
// GitHub). The bench process, the Temporal server, Postgres and the workers share this machine's
// cores, so the ratio says as much about spare cores as about Firebreak.

import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { createScratchDatabase } from '../db/admin.js';
import { runMigrations } from '../db/migrate.js';
import { testDataConverter } from '../test/helpers/encryption.js';
import { buildWorkflowBundle, firebreakRun, type WorkflowBundle } from '../test/helpers/firebreak-processes.js';
import { startTemporalCluster, type TemporalCluster } from '../test/helpers/temporal-cluster.js';
import { LIFECYCLE_STEPS, runIncidentLifecycles } from './incident-lifecycle.js';
import { percentile, quick, round, runBench, say } from './stack.js';
import { clusterCpuSnapshot, clusterCpuSpent } from './cluster-cpu.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? (quick ? 60 : 300));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (quick ? 20 : 50));

interface Phase {
  workers: number;
  completed: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  incidentsPerSecond: number;
  perIncidentMs: { p50: number; p95: number; max: number };
  loadAverage1m: { atStart: number; atEnd: number };
  /** Where the machine's CPU went during the phase (bench/cluster-cpu.ts). */
  cpuSeconds: ReturnType<typeof clusterCpuSpent>;
}

async function phase(workers: number, cluster: TemporalCluster, client: Client, databaseUrl: string, bundle: WorkflowBundle): Promise<Phase> {
  const taskQueue = `bench-cluster-${workers}-${randomUUID()}`;
  const run = firebreakRun(
    { temporalAddress: cluster.address, namespace: cluster.namespace, taskQueue, databaseUrl, policyPath: 'firebreak.config.yaml', env: { LOG_LEVEL: 'error' } },
    bundle,
    `bench-${workers}-worker${workers > 1 ? 's' : ''}`,
  );
  try {
    await Promise.all(Array.from({ length: workers }, (_, i) => run.start('worker', `worker-${i + 1}`)));
    say(`${workers} worker process(es) ready on ${taskQueue}; ${INCIDENTS} incidents, ${CONCURRENCY} in flight`);
    const loadAtStart = loadavg()[0]!;
    const cpuAtStart = clusterCpuSnapshot();
    const started = performance.now();
    const { durations, errors } = await runIncidentLifecycles({ client, taskQueue }, taskQueue, INCIDENTS, CONCURRENCY, (done) => say(`${workers} worker(s): ${done}/${INCIDENTS} done`));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = clusterCpuSpent(cpuAtStart, clusterCpuSnapshot(), seconds);
    durations.sort((a, b) => a - b);
    return {
      workers,
      completed: durations.length,
      errors: errors.length,
      errorSamples: errors.slice(0, 3),
      seconds: round(seconds),
      incidentsPerSecond: round(durations.length / seconds),
      perIncidentMs: { p50: percentile(durations, 50), p95: percentile(durations, 95), max: percentile(durations, 100) },
      loadAverage1m: { atStart: round(loadAtStart), atEnd: round(loadavg()[0]!) },
      cpuSeconds,
    };
  } finally {
    await run.stop();
  }
}

async function main() {
  const [cluster, scratch, bundle] = await Promise.all([
    startTemporalCluster({ logName: 'bench-temporal-server', log: say }),
    createScratchDatabase('firebreak_bench_cluster'),
    buildWorkflowBundle(),
  ]);
  const connection = await Connection.connect({ address: cluster.address });
  try {
    await runMigrations(scratch.url);
    const client = new Client({ connection, namespace: cluster.namespace, dataConverter: testDataConverter });
    const one = await phase(1, cluster, client, scratch.url, bundle);
    const two = await phase(2, cluster, client, scratch.url, bundle);
    return {
      incidents: INCIDENTS,
      concurrency: CONCURRENCY,
      steps: `${LIFECYCLE_STEPS} (SEV4, example policy, no notifiers), per phase on its own task queue`,
      temporal: `server v1.29.1 on Postgres (4 history shards), one process with all four services`,
      oneWorker: one,
      twoWorkers: two,
      throughputRatio: round(two.incidentsPerSecond / one.incidentsPerSecond),
      target: 'two worker processes at >= 1.6x the throughput of one',
      cores: availableParallelism(),
    };
  } finally {
    await connection.close();
    bundle.remove();
    await cluster.stop();
    await scratch.drop();
  }
}

runBench('cluster', main);
