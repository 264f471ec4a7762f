// `npm run bench` (`-- --quick` for a smoke run): every benchmark as a child process, one after
// another so each has the machine to itself. Each one's JSON object is printed as it finishes, then
// one summary object judging them against their targets (bench/summary.ts). A bench that fails is
// reported with its error in the summary and the run goes on.

import { spawn } from 'node:child_process';
import { lastJsonObject, summarize, type BenchOutcome } from './summary.js';

const quick = process.argv.includes('--quick');

interface Bench {
  name: string;
  file: string;
  /** Settings for `--quick`: shorter runs, fewer rows and incidents. */
  quickEnv: Record<string, string>;
  /** Node flags, as the Docker image gives the service (its V8 heap cap). */
  nodeArgs?: string[];
}

const BENCHES: Bench[] = [
  { name: 'slack', file: 'bench/slack-ack.ts', quickEnv: { BENCH_SECONDS: '5' } },
  { name: 'github', file: 'bench/github-webhook.ts', quickEnv: {} },
  { name: 'declare', file: 'bench/declare-to-summary.ts', quickEnv: {} },
  { name: 'incidents', file: 'bench/concurrent-incidents.ts', quickEnv: {}, nodeArgs: ['--max-old-space-size=512'] },
  { name: 'sandbox', file: 'bench/sandbox-clone.ts', quickEnv: { BENCH_SCALE: '0.1' } },
  { name: 'dashboard', file: 'bench/dashboard.ts', quickEnv: { BENCH_ITERATIONS: '30' } },
  { name: 'restart', file: 'bench/worker-restart.ts', quickEnv: { BENCH_ROUNDS: '1' } },
  { name: 'alerts', file: 'bench/alerts.ts', quickEnv: { BENCH_SECONDS: '5', BENCH_GROUPS: '50' } },
  { name: 'cluster', file: 'bench/cluster.ts', quickEnv: {} },
  { name: 'cli', file: 'bench/cli-start.ts', quickEnv: {} },
  { name: 'audit', file: 'bench/audit-append.ts', quickEnv: {} },
];

const TIMEOUT_MS = (quick ? 10 : 40) * 60_000;

function run(bench: Bench): Promise<BenchOutcome> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...(quick ? { BENCH_QUICK: '1', ...bench.quickEnv } : {}) };
    // Its own process group, so a timeout also ends the Temporal dev server it started.
    const child = spawn(process.execPath, [...(bench.nodeArgs ?? []), '--import', 'tsx', bench.file, ...(quick ? ['--quick'] : [])], { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${bench.name} still running after ${TIMEOUT_MS / 60_000} min, stopping it\n`);
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ name: bench.name, error: `could not start: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = lastJsonObject(stdout);
      if (code === 0 && result) resolve({ name: bench.name, result });
      else resolve({ name: bench.name, error: `${bench.file} exited ${signal ?? code}${result ? '' : ' without a JSON result'}; its stderr above says why` });
    });
  });
}

const outcomes: BenchOutcome[] = [];
for (const bench of BENCHES) {
  process.stderr.write(`bench: ── ${bench.name} (${bench.file})${quick ? ' --quick' : ''}\n`);
  const outcome = await run(bench);
  outcomes.push(outcome);
  process.stdout.write(`${JSON.stringify('result' in outcome ? { bench: bench.name, ...outcome.result } : { bench: bench.name, error: outcome.error })}\n`);
}
const summary = summarize(outcomes);
process.stdout.write(`${JSON.stringify({ ...summary, quick })}\n`);
