// `npm run bench:cli`: how long `firebreak --help` takes, process start to exit, spawned as a person
// runs it (`node bin/firebreak.js --help`) BENCH_RUNS times (20; 5 with --quick). bin/firebreak.js
// runs the compiled CLI when `npm run build` has written a current dist/, else the TypeScript
// through tsx; both are measured when a build is there. Target: p95 under 300 ms compiled.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { percentile, quick, round, runBench, say } from './stack.js';

const execFileAsync = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? (quick ? 5 : 20));
const TARGET_MS = 300;

interface Way {
  name: string;
  args: string[];
  /** Prints the usage (all but the baseline). */
  usage: boolean;
}

const WAYS: Way[] = [
  // An empty Node process on this machine now: the floor under the figures below.
  { name: 'nodeBaseline', args: ['-e', ''], usage: false },
  // What `firebreak --help` runs: dist/ when built and current, else tsx.
  { name: 'bin', args: ['bin/firebreak.js', '--help'], usage: true },
  // The fallback without a build, for comparison.
  { name: 'tsx', args: ['--import', 'tsx', 'bots/cli/main.ts', '--help'], usage: true },
];

async function timeRuns(way: Way): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const { stdout } = await execFileAsync(process.execPath, way.args);
    samples.push(performance.now() - started);
    if (way.usage && !stdout.startsWith('Usage:')) throw new Error(`${way.args.join(' ')} printed no usage: ${stdout.slice(0, 200)}`);
  }
  return samples.sort((a, b) => a - b);
}

runBench('cli-start', async () => {
  const compiled = existsSync('dist/bots/cli/main.js');
  if (!compiled) say('no dist/ (npm run build): bin/firebreak.js runs the CLI through tsx');
  const result: Record<string, unknown> = { runs: RUNS, node: process.version, built: compiled, targetMs: TARGET_MS };
  for (const way of WAYS) {
    say(`${RUNS} × node ${way.args.join(' ')}`);
    const samples = await timeRuns(way);
    result[way.name] = { p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95), maxMs: round(samples.at(-1)!) };
  }
  const bin = result.bin as { p95Ms: number };
  return { ...result, pass: compiled && bin.p95Ms < TARGET_MS };
});
