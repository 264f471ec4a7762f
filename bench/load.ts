// An open-loop load generator: requests leave on schedule whether or not earlier ones were
// answered, so a slow server shows up as latency instead of as a lower request rate.

import { performance } from 'node:perf_hooks';
import { percentile, round } from './stack.js';

export interface LatencyStats {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadResult extends LatencyStats {
  /** Requests actually sent per second over the measured part (after the warm-up). */
  achievedRate: number;
  byKind: Record<string, LatencyStats>;
  /** Up to five distinct error descriptions, to say what failed. */
  errorSamples: string[];
}

export interface LoadOptions {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  /** Sends request number `n`; `done` resolves `true` for the expected answer, else what went wrong. */
  send: (n: number) => { kind: string; done: Promise<true | string> };
}

export async function openLoop(options: LoadOptions): Promise<LoadResult> {
  const { rate, seconds, warmupSeconds } = options;
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const samples: Array<{ kind: string; ms: number; ok: boolean }> = [];
  const errorSamples = new Set<string>();
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let measuredFrom = 0;
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        if (sent === warmup) measuredFrom = performance.now();
        const counted = sent >= warmup;
        const began = performance.now();
        const { kind, done: answered } = options.send(sent);
        inFlight.push(
          answered
            .catch((err: unknown) => String(err))
            .then((outcome) => {
              if (outcome !== true && errorSamples.size < 5) errorSamples.add(`${kind}: ${outcome}`);
              if (counted) samples.push({ kind, ms: performance.now() - began, ok: outcome === true });
            }),
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  const sendSeconds = (performance.now() - measuredFrom) / 1000;
  await Promise.all(inFlight);
  const byKind: Record<string, LatencyStats> = {};
  for (const kind of [...new Set(samples.map((s) => s.kind))].sort()) byKind[kind] = stats(samples.filter((s) => s.kind === kind));
  return { ...stats(samples), achievedRate: round(samples.length / sendSeconds), byKind, errorSamples: [...errorSamples] };
}

/** Latency of the answered requests; an error is counted, not timed. */
function stats(samples: Array<{ ms: number; ok: boolean }>): LatencyStats {
  const ok = samples.filter((s) => s.ok).map((s) => s.ms).sort((a, b) => a - b);
  return { requests: samples.length, errors: samples.length - ok.length, p50Ms: percentile(ok, 50), p99Ms: percentile(ok, 99), maxMs: percentile(ok, 100) };
}
