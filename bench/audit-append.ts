// `npm run bench:audit`: audit appends from many transactions at once, before and after chains per
// incident. N rows (BENCH_AUDIT_ROWS, default 4,000; --quick 1,000) over M incidents
// (BENCH_AUDIT_INCIDENTS, default 100), C transactions in flight on a pool of C connections
// (BENCH_AUDIT_CONCURRENCY, default 16). `before` is the append as it was up to migration 0008 (one
// advisory lock for every append in the system, held to the commit) on a database migrated that
// far; `after` is db/audit.ts's appendAudit (a lock per chain) on a fully migrated one. Each
// transaction is one append and its commit, the part of a state change the audit lock covers; each
// database is verified afterwards. Prints one JSON object; timings are not judged.

import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createScratchDatabase } from '../db/admin.js';
import { appendAudit, sealAuditCheckpoint, verifyAuditChain } from '../db/audit.js';
import { connectDatabase, type DatabaseHandle, type Transaction } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { appendBeforeChains, entry, migrateBeforeChains } from '../test/helpers/audit-log.js';
import type { AuditEntry } from '../db/audit.js';
import { percentile, quick, round, runBench, say } from './stack.js';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? (quick ? 1000 : 4000));
const INCIDENTS = Number(process.env.BENCH_AUDIT_INCIDENTS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_AUDIT_CONCURRENCY ?? 16);

type Append = (tx: Transaction, e: AuditEntry) => Promise<unknown>;

/** C loops taking the next row until N are appended; row i goes to incident i mod M. */
async function appendAll(handle: DatabaseHandle, append: Append) {
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ROWS; i = next++) {
        const e = entry(`INC-${(i % INCIDENTS) + 1}`, i, { at: new Date(), idempotencyKey: `bench:${i}` });
        const t0 = performance.now();
        await handle.db.transaction((tx) => append(tx, e));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    rows: ROWS,
    seconds: round(seconds),
    rowsPerSecond: round(ROWS / seconds),
    appendMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
    benchCpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
}

async function run(label: string, prepare: (handle: DatabaseHandle, url: string) => Promise<void>, append: Append) {
  const scratch = await createScratchDatabase(`firebreak_bench_audit_${label}`);
  const handle = connectDatabase(scratch.url, { max: CONCURRENCY });
  try {
    await prepare(handle, scratch.url);
    say(`${label}: ${ROWS} appends over ${INCIDENTS} incidents, ${CONCURRENCY} in flight`);
    const figures = await appendAll(handle, append);
    say(`${label}: ${figures.rowsPerSecond} rows/s`);
    return { figures, handle, scratch };
  } catch (err) {
    await handle.close();
    await scratch.drop();
    throw err;
  }
}

runBench('audit', async () => {
  const loadBefore = loadavg()[0]!;
  const before = await run('before', (h) => migrateBeforeChains(h.db), appendBeforeChains);
  try {
    // The old schema's rows, verified the old way: the chain walk of migration 0008's code is the
    // legacy chain's walk after 0009, so migrate and verify.
    await runMigrations(before.scratch.url);
    const beforeVerified = await verifyAuditChain(before.handle.db);
    if (!beforeVerified.ok || beforeVerified.rows !== ROWS) throw new Error(`before: ${JSON.stringify(beforeVerified)}`);
  } finally {
    await before.handle.close();
    await before.scratch.drop();
  }
  const after = await run('after', (_h, url) => runMigrations(url), appendAudit);
  let sealSeconds: number;
  try {
    const t0 = performance.now();
    const sealed = await sealAuditCheckpoint(after.handle.db, { idempotencyKey: 'bench' });
    sealSeconds = (performance.now() - t0) / 1000;
    const verified = await verifyAuditChain(after.handle.db);
    if (!verified.ok || verified.rows !== ROWS || sealed.checkpoint?.chains !== Math.min(INCIDENTS, ROWS)) throw new Error(`after: ${JSON.stringify({ verified, sealed })}`);
  } finally {
    await after.handle.close();
    await after.scratch.drop();
  }
  return {
    rows: ROWS,
    incidents: INCIDENTS,
    concurrency: CONCURRENCY,
    before: before.figures,
    after: after.figures,
    speedup: round(after.figures.rowsPerSecond / before.figures.rowsPerSecond),
    sealSeconds: round(sealSeconds),
    load1: { atStart: round(loadBefore), atEnd: round(loadavg()[0]!) },
    quick,
  };
});
