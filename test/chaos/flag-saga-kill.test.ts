// (c) kill -9 the worker between the two steps of a flag saga: the rollback of new-checkout and
// smart-retries on a real unleash-server stops dead right after the first flag changed in Unleash
// (before Temporal heard of it), the process is killed and a new worker takes over. Both flags must
// end off, each step must leave one audit row and one timeline row, and the rows must equal those
// of the same script run without the kill.

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { declareIncident, getIncidentView, incidentHandle, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { incidents } from '../../db/schema/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { alice, carol } from '../helpers/flags.js';
import { eventually } from '../helpers/system.js';
import { startUnleash, type UnleashServer } from '../helpers/unleash.js';
import { startPrometheusStandIn, type PrometheusStandIn } from '../standins/prometheus.js';
import { connectClient, duplicates, recordOutcome, snapshot, startChildWorker, summarize, type ChildWorker } from './harness.js';

const FLAGS = ['new-checkout', 'smart-retries'];
let unleash: UnleashServer;
let prometheus: PrometheusStandIn;
let db: DatabaseHandle;
let temporal: Awaited<ReturnType<typeof connectClient>>;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  unleash = await startUnleash();
  prometheus = await startPrometheusStandIn();
  prometheus.setValue(() => 0.01);
  for (const flag of FLAGS) await unleash.createFlag('default', flag);
  db = connectDatabase(inject('databaseUrl'));
  temporal = await connectClient(inject('temporalAddress'), inject('temporalNamespace'));
});
afterAll(async () => {
  await temporal?.close();
  for (const w of workers) await w.stop();
  await db?.close();
  await prometheus?.stop();
  await unleash?.stop();
});

async function worker(taskQueue: string, env: Record<string, string> = {}): Promise<ChildWorker> {
  const started = await startChildWorker(
    { address: inject('temporalAddress'), namespace: inject('temporalNamespace'), taskQueue },
    { UNLEASH_URL: unleash.url, UNLEASH_ADMIN_TOKEN: unleash.adminToken, PROMETHEUS_URL: prometheus.url, ...env },
  );
  workers.push(started);
  return started;
}

async function script(kill: boolean): Promise<string> {
  for (const flag of FLAGS) {
    if (await unleash.isEnabled('default', flag, 'development')) await unleash.toggle('default', flag, 'development', false);
    await unleash.toggle('default', flag, 'development', true);
  }
  const taskQueue = `chaos-flags-${randomUUID()}`;
  const first = await worker(taskQueue, kill ? { STALL_AFTER: 'applyFlagChange' } : {});
  const ctx: TemporalContext = { client: temporal.client, taskQueue };
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `chaos:${randomUUID()}`, title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'slack', reporter: alice,
  });
  await eventually(async () => (await getIncidentView(ctx, key)).phase === 'triage', 30_000, 'triage');
  const handle = incidentHandle(ctx, key);
  const rolledBack = handle.executeUpdate(msg.rollbackFlagsUpdate, { args: [{ actor: carol, flags: FLAGS, reason: 'both suspicious' }] });
  if (kill) {
    const stalled = await first.waitFor('stalled');
    expect(JSON.stringify(stalled.args)).toContain('new-checkout');
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(false);
    expect(await unleash.isEnabled('default', 'smart-retries', 'development')).toBe(true);
    expect(await first.kill()).toBe('SIGKILL');
    await worker(taskQueue);
  }
  const result = await rolledBack;
  expect(result.ok).toBe(true);
  for (const flag of FLAGS) expect(await unleash.isEnabled('default', flag, 'development'), flag).toBe(false);
  await handle.executeUpdate(msg.assignRoleUpdate, { args: [{ actor: carol, role: 'commander', person: carol }] });
  await handle.executeUpdate(msg.resolveUpdate, { args: [{ actor: carol, text: 'fixed forward' }] });
  for (const flag of FLAGS) {
    await eventually(async () => (await getIncidentView(ctx, key)).flagChanges.some((c) => c.id === `${flag}@development` && c.status === 'awaiting decision'), 30_000, `${flag} awaiting a decision`);
    await handle.executeUpdate(msg.decideFlagUpdate, { args: [{ actor: carol, flag, decision: 'keep' }] });
  }
  await eventually(async () => {
    const [row] = await db.db.select().from(incidents).where(eq(incidents.key, key));
    return row?.phase === 'closed';
  }, 60_000, 'the incident closed');
  for (const flag of FLAGS) expect(await unleash.isEnabled('default', flag, 'development'), flag).toBe(false);
  return key;
}

it('(c) a two-flag rollback killed after its first change ends with both flags off, each step recorded once', { timeout: 240_000 }, async () => {
  const clean = await script(false);
  const faulty = await script(true);
  const [before, after] = [await snapshot(db.db, [clean], { reminders: 'ignore' }), await snapshot(db.db, [faulty], { reminders: 'ignore' })];
  const identical = JSON.stringify(before) === JSON.stringify(after);
  const steps = after.audit.filter((a) => a.startsWith('flag.')).map((a) => a.split(' ')[0]);
  recordOutcome('c', {
    scenario: 'c',
    faultFree: summarize(before),
    withFault: summarize(after, `SIGKILL after new-checkout went off; both flags off in Unleash; audit ${steps.join(', ')}`),
    identical,
  });
  expect(duplicates(after)).toEqual([]);
  expect(steps.sort()).toEqual(['flag.keep', 'flag.keep', 'flag.rollback', 'flag.rollback']);
  expect(after).toEqual(before);
});
