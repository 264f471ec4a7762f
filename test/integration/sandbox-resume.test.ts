// Kill the worker during the copy: a real process running the clone is SIGKILLed in the middle of
// a 60,000-row table, then the clone runs again and must finish with every row exactly once and
// the same content as a clone that was never interrupted.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloneSandbox } from '../../activities/sandbox/clone.js';
import { createRedactor } from '../../domain/redact.js';
import { fixtureRules } from '../fixtures/sandbox/rules.js';
import { query, startSandboxClusters, type SandboxClusters } from '../helpers/sandbox-clusters.js';
import { testLogFd } from '../helpers/test-log.js';

let clusters: SandboxClusters;
const SECRET = 'sandbox-resume-test-secret';

beforeAll(async () => {
  clusters = await startSandboxClusters();
});
afterAll(async () => {
  await clusters?.stop();
});

const clone = (sandboxId: string) =>
  cloneSandbox({ sandboxId, sourceUrl: clusters.sourceUrl, sandboxAdminUrl: clusters.sandbox.adminUrl, seed: 7, secret: SECRET, rules: fixtureRules(), redactor: createRedactor() });

/** Runs the clone in a child process and kills it once it is inside `table`'s copy. */
async function killDuring(sandboxId: string, table: string): Promise<{ table: string; rows: number }> {
  const child = spawn('npx', ['tsx', 'test/helpers/sandbox-clone-child.ts'], {
    env: { ...process.env, SANDBOX_ID: sandboxId, SOURCE_URL: clusters.sourceUrl, SANDBOX_ADMIN_URL: clusters.sandbox.adminUrl, SEED: '7', SECRET, STALL_AT: table },
    stdio: ['ignore', 'pipe', testLogFd()],
    detached: true,
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout! })) {
    const progress = JSON.parse(line) as { table?: string; rows?: number; done?: string };
    if (progress.done) throw new Error('the clone finished before it could be killed');
    if (progress.table === table && progress.rows! > 0) {
      // The whole process group: npx and the tsx process under it.
      process.kill(-child.pid!, 'SIGKILL');
      expect(await exited).toBe('SIGKILL');
      return { table, rows: progress.rows! };
    }
  }
  throw new Error('the clone ended without reaching the table');
}

it('finishes after the worker is killed mid-copy, with correct row counts and the uninterrupted content', async () => {
  const killedAt = await killDuring('SBX-20', 'public.events');
  expect(killedAt.rows).toBeGreaterThan(0);
  expect(killedAt.rows).toBeLessThan(60_000);

  // The killed copy's transaction is gone: events is empty, the tables before it are marked done.
  const sandboxDb = clusters.sandbox.urlFor('sandbox_sbx_20');
  const marked = await query<{ table_name: string }>(sandboxDb, 'SELECT table_name FROM _firebreak.copy_progress ORDER BY 1');
  expect(marked.map((m) => m.table_name)).toEqual(['billing.payments', 'public.customers', 'public.employees']);
  const leftover = await query<{ n: string }>(sandboxDb, 'SELECT count(*) AS n FROM public.events');
  expect(leftover[0]!.n).toBe('0');

  const resumed = await clone('SBX-20');
  const clean = await clone('SBX-21');
  expect(resumed.resumed).toBe(true);
  expect(clean.resumed).toBe(false);
  expect(resumed.rowCounts).toEqual(clean.rowCounts);
  expect(resumed.rowCounts['public.events']).toBe(60_000);
  expect(resumed.contentHash).toBe(clean.contentHash);
  for (const [table, rows] of Object.entries(resumed.rowCounts)) {
    const [{ n, distinct }] = (await query<{ n: string; distinct: string }>(sandboxDb, `SELECT count(*) AS n, count(DISTINCT x::text) AS distinct FROM ${table} x`)) as [{ n: string; distinct: string }];
    expect(Number(n), table).toBe(rows);
    expect(Number(distinct), `${table} has no duplicated rows`).toBe(rows);
  }
});
