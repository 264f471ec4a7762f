// A clone without subsets copies two tables at a time over an exported snapshot. One lane's
// source session is killed while its COPY waits on a lock: the clone must fail (not hang) and let
// go of every session, keep only whole tables, and a retry must finish with each row exactly once
// and the content of a clone that never failed.

import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { cloneSandbox } from '../../activities/sandbox/clone.js';
import { createRedactor } from '../../domain/redact.js';
import type { SandboxRules } from '../../domain/sandbox/types.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { query } from '../helpers/sandbox-clusters.js';

let source: PgCluster;
let sandbox: PgCluster;
let sourceUrl: string;

// Copied in this order over two lanes: t1_big on one while t2_small, then t3_blocked, go on the
// other. Introspection reads every table's catalog entries (which a table lock would block), so the
// lock on t3_blocked is taken once the copies run: when t2_small's rows are in.
const SOURCE = `
  CREATE TABLE t1_big (id int PRIMARY KEY, v int NOT NULL);
  CREATE TABLE t2_small (id int PRIMARY KEY, big_id int NOT NULL REFERENCES t1_big(id), qty int NOT NULL);
  CREATE TABLE t3_blocked (id int PRIMARY KEY, small_id int NOT NULL REFERENCES t2_small(id), amount numeric(10,2) NOT NULL);
  CREATE INDEX t3_blocked_small_idx ON t3_blocked (small_id);
  INSERT INTO t1_big SELECT i, i * 7 FROM generate_series(1, 40000) i;
  INSERT INTO t2_small SELECT i, i, i % 5 FROM generate_series(1, 10) i;
  INSERT INTO t3_blocked SELECT i, 1 + i % 10, i + 0.25 FROM generate_series(1, 5000) i;`;

const RULES: SandboxRules = { subset: {}, masking: { t1_big: { v: 'noise' }, t3_blocked: { amount: 'noise' } } };

const clone = (sandboxId: string, onProgress?: (p: { table: string; rows: number }) => void) =>
  cloneSandbox({ sandboxId, sourceUrl, sandboxAdminUrl: sandbox.adminUrl, seed: 3, secret: 'sandbox-lanes-test-secret', rules: RULES, redactor: createRedactor(), onProgress });

beforeAll(async () => {
  [source, sandbox] = await Promise.all([startPgCluster(), startPgCluster()]);
  await query(source.adminUrl, 'CREATE DATABASE lanes');
  sourceUrl = source.urlFor('lanes');
  await query(sourceUrl, SOURCE);
});
afterAll(async () => {
  await Promise.all([source?.stop(), sandbox?.stop()]);
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const found = await probe();
    if (found !== undefined) return found;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sessionsOf = (url: string, database: string) =>
  query<{ n: string }>(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`, [database]);

it('fails cleanly when one lane dies, and a retry completes with every row once', async () => {
  const locker = new pg.Client({ connectionString: sourceUrl });
  await locker.connect();
  let failure: unknown;
  try {
    await locker.query('BEGIN');
    let locked: Promise<unknown> | undefined;
    const attempt = clone('SBX-40', (p) => {
      // Sent now, synchronously: it reaches the source before the lane has committed t2_small and
      // asked for the next table, several round trips later.
      if (p.table === 'public.t2_small' && locked === undefined) locked = locker.query('LOCK TABLE t3_blocked IN ACCESS EXCLUSIVE MODE');
    }).then(
      () => undefined,
      (error: unknown) => (failure = error),
    );
    const pid = await waitFor(async () => {
      if (failure !== undefined) throw failure;
      const rows = await query<{ pid: number }>(sourceUrl, `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY (SELECT%t3_blocked%'`);
      return rows[0]?.pid;
    }, 'the copy of t3_blocked to wait on the lock');
    await locked;
    await query(sourceUrl, 'SELECT pg_terminate_backend($1)', [pid]);
    await locker.query('COMMIT');
    await attempt;
  } finally {
    await locker.end();
  }
  expect(String(failure)).toMatch(/terminat/i);

  // Nothing left open on either server, and only whole tables marked done.
  await waitFor(async () => ((await sessionsOf(source.adminUrl, 'lanes'))[0]!.n === '0' ? true : undefined), 'the source sessions to close');
  expect((await sessionsOf(sandbox.adminUrl, 'sandbox_sbx_40'))[0]!.n).toBe('0');
  const db = sandbox.urlFor('sandbox_sbx_40');
  const marked = await query<{ table_name: string; rows: string }>(db, 'SELECT table_name, rows FROM _firebreak.copy_progress ORDER BY 1');
  expect(marked.map((m) => m.table_name)).not.toContain('public.t3_blocked');
  expect((await query<{ n: string }>(db, 'SELECT count(*) AS n FROM t3_blocked'))[0]!.n).toBe('0');
  for (const m of marked) expect((await query<{ n: string }>(db, `SELECT count(*) AS n FROM ${m.table_name}`))[0]!.n).toBe(m.rows);

  const resumed = await clone('SBX-40');
  const clean = await clone('SBX-41');
  expect(resumed.resumed).toBe(marked.length > 0);
  expect(clean.resumed).toBe(false);
  expect(resumed.rowCounts).toEqual({ 'public.t1_big': 40_000, 'public.t2_small': 10, 'public.t3_blocked': 5_000 });
  expect(resumed.contentHash).toBe(clean.contentHash);
  for (const table of Object.keys(resumed.rowCounts)) {
    const [{ n, distinct }] = (await query<{ n: string; distinct: string }>(db, `SELECT count(*) AS n, count(DISTINCT id) AS distinct FROM ${table}`)) as [{ n: string; distinct: string }];
    expect(Number(distinct), `${table} has no duplicated rows`).toBe(Number(n));
  }
  // Keys and indexes built in the lanes, foreign keys at the end: all there.
  const constraints = await query<{ conname: string }>(db, `SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1`);
  expect(constraints.map((c) => c.conname)).toEqual(['t1_big_pkey', 't2_small_big_id_fkey', 't2_small_pkey', 't3_blocked_pkey', 't3_blocked_small_id_fkey']);
  expect(await query(db, `SELECT 1 FROM pg_indexes WHERE indexname = 't3_blocked_small_idx'`)).toHaveLength(1);
});
