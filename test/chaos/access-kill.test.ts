// (a) kill -9 the worker while an access approval is pending; (d) kill -9 it across a grant's
// expiry. Each script runs twice, once without and once with the kill, against a real PostgreSQL
// target; the grant must end expired exactly once with its login role gone, and the rows must equal
// those of the run without the kill.

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { grantRoleName } from '../../activities/access/postgres.js';
import { declareIncident, getIncidentView, incidentHandle, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { accessGrants, incidents } from '../../db/schema/index.js';
import { grantWorkflowId } from '../../domain/ids.js';
import * as access from '../../workflows/access/messages.js';
import * as msg from '../../workflows/incident/messages.js';
import { alice, bob, carol, startAccessTarget } from '../helpers/access.js';
import type { PgCluster } from '../helpers/pg-cluster.js';
import { eventually } from '../helpers/system.js';
import { connectClient, duplicates, recordOutcome, sleep, snapshot, startChildWorker, summarize, type ChildWorker, type WorkerTarget } from './harness.js';
import pg from 'pg';

let target: PgCluster;
let worker: ChildWorker | undefined;
let db: DatabaseHandle;
let temporal: Awaited<ReturnType<typeof connectClient>>;
let workerTarget: WorkerTarget;
const startWorker = () => startChildWorker(workerTarget, { ACCESS_POSTGRES_URL: target.adminUrl });

beforeAll(async () => {
  target = await startAccessTarget();
  workerTarget = { address: inject('temporalAddress'), namespace: inject('temporalNamespace'), taskQueue: `chaos-access-${randomUUID()}` };
  db = connectDatabase(inject('databaseUrl'));
  worker = await startWorker();
  temporal = await connectClient(workerTarget.address, workerTarget.namespace);
});
afterAll(async () => {
  await temporal?.close();
  await worker?.stop();
  await db?.close();
  await target?.stop();
});

async function killAndRestart(): Promise<void> {
  expect(await worker!.kill()).toBe('SIGKILL');
  worker = await startWorker();
}

async function roleExists(grant: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: target.adminUrl });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [grantRoleName(grant)])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/** A db-readonly grant (carol approves, 4 s) on a SEV3 incident; `phase` picks where the fault goes. */
async function script(phase: 'pending' | 'active', fault: () => Promise<void>): Promise<{ key: string; grant: string }> {
  const ctx: TemporalContext = { client: temporal.client, taskQueue: workerTarget.taskQueue };
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `chaos:${randomUUID()}`, title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'slack', reporter: alice,
  });
  await eventually(async () => (await getIncidentView(ctx, key)).phase === 'triage', 30_000, 'triage');
  const handle = incidentHandle(ctx, key);
  const requested = await handle.executeUpdate(msg.requestAccessUpdate, { args: [{ actor: alice, capabilities: ['db-readonly'], durationSeconds: 4, reason: 'checking 502s on /pay' }] });
  expect(requested.status).toBe('pending');
  const grantHandle = temporal.client.workflow.getHandle(grantWorkflowId(requested.grant));
  if (phase === 'pending') await fault();
  const approved = await grantHandle.executeUpdate(access.approveUpdate, { args: [{ actor: carol }] });
  expect(approved.status).toBe('active');
  expect(await roleExists(requested.grant)).toBe(true);
  if (phase === 'active') {
    // The worker is gone for the moment the grant falls due, and a little longer.
    await fault();
  }
  await eventually(async () => {
    const [row] = await db.db.select().from(accessGrants).where(eq(accessGrants.key, requested.grant));
    return row?.status === 'expired';
  }, 60_000, 'the grant expired');
  await eventually(async () => (await getIncidentView(ctx, key)).grants.some((g) => g.id === requested.grant && g.status === 'expired'), 60_000, 'the incident saw the expiry');
  // The row says expired first (introspection refuses at once), then the role is dropped.
  await eventually(async () => !(await roleExists(requested.grant)), 30_000, 'the login role dropped');
  await handle.executeUpdate(msg.assignRoleUpdate, { args: [{ actor: bob, role: 'commander', person: bob }] });
  await handle.executeUpdate(msg.resolveUpdate, { args: [{ actor: bob, text: 'fixed' }] });
  await eventually(async () => {
    const [row] = await db.db.select().from(incidents).where(eq(incidents.key, key));
    return row?.phase === 'closed';
  }, 60_000, 'the incident closed');
  return { key, grant: requested.grant };
}

async function compare(id: 'a' | 'd', clean: { key: string }, faulty: { key: string }, note: string) {
  // Reminders depend on how long a run takes, not on the kill.
  const [before, after] = [await snapshot(db.db, [clean.key], { reminders: 'ignore' }), await snapshot(db.db, [faulty.key], { reminders: 'ignore' })];
  const identical = JSON.stringify(before) === JSON.stringify(after);
  const expiries = after.audit.filter((a) => a.startsWith('access.expire')).length;
  recordOutcome(id, { scenario: id, faultFree: summarize(before), withFault: summarize(after, `${note}; ${expiries} expiry audit row(s); login role dropped`), identical });
  expect(duplicates(after)).toEqual([]);
  expect(expiries).toBe(1);
  expect(after).toEqual(before);
}

it('(a) a grant approved after the worker was killed while it was pending expires once, as without the kill', { timeout: 240_000 }, async () => {
  const clean = await script('pending', async () => {});
  const faulty = await script('pending', killAndRestart);
  await compare('a', clean, faulty, 'worker SIGKILLed while pending, restarted, then approved');
});

it('(d) a grant whose expiry fell due while no worker ran is revoked after the restart, as without the kill', { timeout: 240_000 }, async () => {
  // Part of the scenario: the worker stays down (or, fault-free, idle) past the grant's expiry.
  const clean = await script('active', () => sleep(6_000));
  const faulty = await script('active', async () => {
    expect(await worker!.kill()).toBe('SIGKILL');
    await sleep(6_000);
    worker = await startWorker();
  });
  await compare('d', clean, faulty, 'worker SIGKILLed 4 s before expiry, down 6 s');
});
