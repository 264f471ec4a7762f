// The real stack the end-to-end benchmarks run against, wired as `npm start` wires it: a Temporal
// dev server, a scratch Postgres database with the migrations applied, a Temporal client, and a
// real Firebreak worker in this process. Only the SaaS edges are stand-ins, passed in by each bench.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { createScratchDatabase } from '../db/admin.js';
import { connectDatabase, type DatabaseHandle } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { parsePolicy, type Policy } from '../domain/policy/index.js';
import { createRedactor, type Redactor } from '../domain/redact.js';
import { ensureTemporalCli } from '../worker/temporal-cli.js';
import { startDevServer, type DevServer } from '../worker/dev-server.js';
import type { OutboundActivities as IntegrationActivities } from '../activities/outbound.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { readWorkerTuning, type WorkerTuning } from '../platform/config/index.js';
import { installTemporalRuntime } from '../worker/temporal-logger.js';
import { createFirebreakWorker } from '../worker/worker.js';

export const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

/**
 * The workflow bundle built by a child process, as `npm run build` builds it for `npm start`: the
 * worker here starts from a file, and webpack's memory (hundreds of MB it keeps) never enters the
 * process whose RSS the benchmarks report (test/helpers/firebreak-processes.ts buildWorkflowBundle
 * bundles in the calling process, which is fine for the cluster bench's separate workers).
 */
async function prebuiltWorkflowBundle(): Promise<{ codePath: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'firebreak-bench-bundle-'));
  const codePath = join(dir, 'workflows.js');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bundle-workflows.ts', codePath], { maxBuffer: 16 * 1024 * 1024 });
  return { codePath, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The example policy shipped with Firebreak: real durations, SEV3/SEV4 need no postmortem. */
export function examplePolicy(): Policy {
  return parsePolicy(readFileSync('firebreak.config.yaml', 'utf8'), 'firebreak.config.yaml');
}

export interface BenchStack {
  temporal: DevServer;
  client: Client;
  taskQueue: string;
  database: DatabaseHandle;
  databaseUrl: string;
  policy: Policy;
  redactor: Redactor;
  logger: Logger;
  /** The worker's cache, slots, pollers and pool, read from the environment exactly as `npm start` reads them. */
  tuning: WorkerTuning;
  /** Starts the worker in this process with the given outside edges; call once. */
  startWorker(deps?: Partial<Pick<ActivityDeps, 'notifiers' | 'triageSources' | 'accessNotifiers' | 'sandboxNotifiers' | 'postmortemNotifiers' | 'postmortemPublisher'>> & { extra?: IntegrationActivities }): Promise<Worker>;
  stop(): Promise<void>;
}

export async function startBenchStack(options: { name: string; policy?: Policy }): Promise<BenchStack> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
  // A bench that wants the SDK's metrics installs the runtime itself first; then this is a no-op.
  installTemporalRuntime(logger);
  const started = performance.now();
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => say(`cleanup failed: ${String(err)}`));
  };
  try {
    const [temporal, scratch] = await Promise.all([
      ensureTemporalCli({ log: say }).then((cli) => startDevServer({ cli, uiPort: false })),
      createScratchDatabase(`firebreak_bench_${options.name}`),
    ]);
    cleanups.push(() => temporal.stop(), () => (process.env.BENCH_KEEP_DB === '1' ? Promise.resolve(say(`kept ${scratch.url}`)) : scratch.drop()));
    await runMigrations(scratch.url);
    const tuning = readWorkerTuning(process.env);
    const database = connectDatabase(scratch.url, { max: tuning.databasePoolSize });
    cleanups.push(() => database.close());
    const policy = options.policy ?? examplePolicy();
    const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });
    const taskQueue = `firebreak-bench-${options.name}`;
    say(`Temporal ${temporal.address}, database ${scratch.name} ready in ${Math.round(performance.now() - started)} ms`);
    return {
      temporal,
      client,
      taskQueue,
      database,
      databaseUrl: scratch.url,
      policy,
      redactor,
      logger,
      tuning,
      async startWorker(deps = {}) {
        const native = await NativeConnection.connect({ address: temporal.address });
        cleanups.push(() => native.close());
        const bundling = performance.now();
        const bundle = await prebuiltWorkflowBundle();
        cleanups.push(bundle.remove);
        const worker = await createFirebreakWorker({
          connection: native,
          namespace: temporal.namespace,
          taskQueue,
          tuning,
          workflowBundle: { codePath: bundle.codePath },
          activities: { ...createActivities({ db: database.db, policy: () => policy, redactor, logger, ...deps }), ...deps.extra },
        });
        say(`worker up (workflows bundled by a child process) in ${Math.round(performance.now() - bundling)} ms`);
        const running = worker.run();
        cleanups.push(async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
        });
        return worker;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Sorted-sample percentile (nearest rank), rounded to 0.01. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[idx]!);
}

export const round = (n: number) => Math.round(n * 100) / 100;

export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** Prints the bench's one JSON object on stdout and exits; an error exits 1 with it on stderr. */
export function runBench(name: string, main: () => Promise<Record<string, unknown>>): void {
  main().then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ benchmark: name, ...result })}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`bench:${name} failed:`, err);
      process.exit(1);
    },
  );
}
