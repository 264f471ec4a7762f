// (b) kill -9 the worker during a sandbox copy: `sandbox create` on a real source cluster with PII
// and a real sandbox server; the first provisioning attempt stops dead inside the 60,000-row
// events table (target transaction open, rows in flight), the process is killed and a new worker
// takes the retry once Temporal notices the lost heartbeat. The sandbox must be built with the same
// row counts and content hash as without the kill, hold every row once, be torn down to nothing,
// and leave the same rows behind.

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { runCommand, type CommandContext } from '../../bots/commands/dispatch.js';
import { declareIncident, getIncidentView, incidentHandle, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { incidents, sandboxes } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import { parseCommand } from '../../domain/commands/parse.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';
import { sandboxWorkflowId } from '../../domain/ids.js';
import * as msg from '../../workflows/incident/messages.js';
import { alice, carol } from '../helpers/access.js';
import { query, startSandboxClusters, type SandboxClusters } from '../helpers/sandbox-clusters.js';
import { eventually } from '../helpers/system.js';
import { connectClient, duplicates, recordOutcome, snapshot, startChildWorker, summarize, type ChildWorker } from './harness.js';

const SEED = 4242;
const STALL_TABLE = 'public.events';
const EVENTS_ROWS = 60_000;
let clusters: SandboxClusters;
let db: DatabaseHandle;
let temporal: Awaited<ReturnType<typeof connectClient>>;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  clusters = await startSandboxClusters();
  db = connectDatabase(inject('databaseUrl'));
  temporal = await connectClient(inject('temporalAddress'), inject('temporalNamespace'));
});
afterAll(async () => {
  await temporal?.close();
  for (const w of workers) await w.stop();
  await db?.close();
  await clusters?.stop();
});

async function worker(taskQueue: string, env: Record<string, string> = {}): Promise<ChildWorker> {
  const started = await startChildWorker(
    { address: inject('temporalAddress'), namespace: inject('temporalNamespace'), taskQueue },
    // One masking secret for both runs: with the seed it keys every mask, so the content hashes compare.
    { SANDBOX_ADMIN_URL: clusters.sandbox.adminUrl, SANDBOX_SOURCE_URL: clusters.sourceUrl, SANDBOX_SECRET: 'chaos-sandbox-secret', ...env },
  );
  workers.push(started);
  return started;
}

const databaseOf = (sandbox: string) => `sandbox_${sandbox.toLowerCase().replace('-', '_')}`;

async function leftOnServer(sandbox: string): Promise<{ database: boolean; role: boolean }> {
  const name = databaseOf(sandbox);
  const [dbs, roles] = await Promise.all([
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [name]),
  ]);
  return { database: dbs.length > 0, role: roles.length > 0 };
}

/** What the sandbox server shows at the kill: the COPY in flight, and the tables already committed. */
interface AtKill {
  heartbeat: { table: string; rows: number };
  inFlight: number;
  committedTables: string[];
  committedEvents: number;
}

async function killMidCopy(first: ChildWorker, sandbox: string): Promise<AtKill> {
  const stalled = (await first.waitFor('stalled')).progress as { table: string; rows: number };
  const url = clusters.sandbox.urlFor(databaseOf(sandbox));
  // The server's own view of the stalled COPY FROM: rows received inside the open transaction.
  const inFlight = await eventually(async () => {
    const [row] = await query<{ n: string }>(url, `SELECT tuples_processed AS n FROM pg_stat_progress_copy WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND relid = 'public.events'::regclass`);
    return row && Number(row.n) > 0 ? Number(row.n) : undefined;
  }, 10_000, 'the events COPY in progress on the sandbox server');
  expect(await first.kill()).toBe('SIGKILL');
  const marked = await query<{ table_name: string }>(url, 'SELECT table_name FROM _firebreak.copy_progress ORDER BY 1');
  const [events] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM public.events');
  return { heartbeat: stalled, inFlight, committedTables: marked.map((m) => m.table_name), committedEvents: Number(events!.n) };
}

async function command(ctx: TemporalContext, actor: Actor, incident: string, text: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const context: CommandContext = { ...ctx, actor, source: 'slack', incident, idempotencyKey: `chaos:${randomUUID()}` };
  return runCommand(context, parsed.command);
}

interface Run {
  key: string;
  sandbox: string;
  provenance: SandboxProvenance;
  /** Per table: rows and distinct rows in the ready sandbox. */
  stored: Record<string, { rows: number; distinct: number }>;
  /** The highest activity attempt in the sandbox workflow's history. */
  attempt: number;
  atKill?: AtKill;
}

async function script(kill: boolean): Promise<Run> {
  const taskQueue = `chaos-sandbox-${randomUUID()}`;
  const first = await worker(taskQueue, kill ? { STALL_IN_COPY: STALL_TABLE } : {});
  const ctx: TemporalContext = { client: temporal.client, taskQueue };
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `chaos:${randomUUID()}`, title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'slack', reporter: alice,
  });
  await eventually(async () => (await getIncidentView(ctx, key)).phase === 'triage', 30_000, 'triage');
  // The longest TTL the policy allows: the expiry warning must not fall inside either run.
  const created = await command(ctx, alice, key, `sandbox create seed:${SEED} ttl:60s`);
  expect(created).toMatchObject({ ok: true, text: expect.stringMatching(/^SBX-\d+ is being built from primary/) });
  const sandbox = /^(SBX-\d+)/.exec(created.text)![1]!;

  let atKill: AtKill | undefined;
  if (kill) {
    atKill = await killMidCopy(first, sandbox);
    await worker(taskQueue);
  }
  // Temporal notices the lost worker by its heartbeat timeout (20 s), then retries after 5 s.
  const ready = await eventually(async () => {
    const [row] = await db.db.select().from(sandboxes).where(eq(sandboxes.key, sandbox));
    return row?.status === 'ready' ? row : undefined;
  }, 120_000, `${sandbox} ready`);
  const provenance = ready.provenance!;
  // The attempt that built the sandbox: 2 after the kill, since the killed one can only time out.
  const history = await temporal.client.workflow.getHandle(sandboxWorkflowId(sandbox)).fetchHistory();
  const attempt = Math.max(...history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0));
  const url = clusters.sandbox.urlFor(databaseOf(sandbox));
  const stored: Run['stored'] = {};
  for (const table of Object.keys(provenance.rowCounts)) {
    const [counts] = await query<{ n: string; distinct: string }>(url, `SELECT count(*) AS n, count(DISTINCT x::text) AS distinct FROM ${table} x`);
    stored[table] = { rows: Number(counts!.n), distinct: Number(counts!.distinct) };
  }

  expect(await command(ctx, alice, key, `sandbox destroy ${sandbox}`)).toMatchObject({ ok: true, text: `${sandbox} is destroyed.` });
  await eventually(async () => {
    const [row] = await db.db.select().from(sandboxes).where(eq(sandboxes.key, sandbox));
    return row?.status === 'destroyed';
  }, 30_000, `${sandbox} destroyed`);
  expect(await leftOnServer(sandbox)).toEqual({ database: false, role: false });

  const handle = incidentHandle(ctx, key);
  await handle.executeUpdate(msg.assignRoleUpdate, { args: [{ actor: carol, role: 'commander', person: carol }] });
  await handle.executeUpdate(msg.resolveUpdate, { args: [{ actor: carol, text: 'fixed' }] });
  await eventually(async () => {
    const [row] = await db.db.select().from(incidents).where(eq(incidents.key, key));
    return row?.phase === 'closed';
  }, 60_000, 'the incident closed');
  return { key, sandbox, provenance, stored, attempt, ...(atKill ? { atKill } : {}) };
}

it('(b) a sandbox whose copy was killed mid-table is built with the uninterrupted content and torn down to nothing', { timeout: 280_000 }, async () => {
  const clean = await script(false);
  const faulty = await script(true);
  const [before, after] = [await snapshot(db.db, [clean.key], { reminders: 'ignore' }), await snapshot(db.db, [faulty.key], { reminders: 'ignore' })];
  const identical = JSON.stringify(before) === JSON.stringify(after);
  const atKill = faulty.atKill!;
  const tables = Object.keys(clean.provenance.rowCounts).length;
  recordOutcome('b', {
    scenario: 'b',
    faultFree: summarize(before, `${tables} tables copied; content ${clean.provenance.contentHash.slice(0, 12)}`),
    withFault: summarize(
      after,
      `SIGKILL with ${atKill.inFlight} of ${EVENTS_ROWS} events rows in an open COPY and ${atKill.committedTables.length}/${tables} tables committed; copy finished by attempt ${faulty.attempt}; content ${faulty.provenance.contentHash.slice(0, 12)}; database and role dropped`,
    ),
    identical,
  });

  // The kill landed inside the copy: part of the sandbox was committed, the events table was not.
  expect(atKill.heartbeat.table).toBe(STALL_TABLE);
  expect(atKill.heartbeat.rows).toBeGreaterThan(0);
  expect(atKill.heartbeat.rows).toBeLessThan(EVENTS_ROWS);
  expect(atKill.inFlight).toBeGreaterThan(0);
  expect(atKill.inFlight).toBeLessThan(EVENTS_ROWS);
  expect(atKill.committedTables.length).toBeGreaterThan(0);
  expect(atKill.committedTables.length).toBeLessThan(tables);
  expect(atKill.committedTables).not.toContain(STALL_TABLE);
  expect(atKill.committedEvents).toBe(0);
  expect(clean.attempt).toBe(1);
  expect(faulty.attempt).toBe(2);

  for (const run of [clean, faulty]) {
    expect(run.provenance.rowCounts[STALL_TABLE]).toBe(EVENTS_ROWS);
    for (const [table, rows] of Object.entries(run.provenance.rowCounts)) {
      expect(run.stored[table], `${run.sandbox} ${table}`).toEqual({ rows, distinct: rows });
    }
  }
  expect(faulty.provenance.rowCounts).toEqual(clean.provenance.rowCounts);
  expect(faulty.provenance.contentHash).toBe(clean.provenance.contentHash);
  expect(after.sandboxes.map((s) => /"status":"(\w+)"/.exec(s)?.[1])).toEqual(['destroyed']);
  expect(duplicates(after)).toEqual([]);
  expect(after).toEqual(before);
});
