// (e) The Temporal dev server restarts mid-incident. This file runs its own server on its own port
// with a SQLite file in a temp dir, so the restart loses nothing a production cluster would keep
// and no other test shares the outage. The incident must carry on: reminders fire after the
// restart, updates land, and the rows equal those of the same script run without a restart.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { declareIncident, getIncidentView, incidentHandle, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { incidents, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import { ensureTemporalCli, type TemporalCli } from '../../worker/temporal-cli.js';
import * as msg from '../../workflows/incident/messages.js';
import { startDevServer, type DevServer } from '../../worker/dev-server.js';
import { freePort } from '../../platform/free-port.js';
import { eventually } from '../helpers/system.js';
import { connectClient, duplicates, recordOutcome, snapshot, startChildWorker, summarize, type ChildWorker } from './harness.js';

const alice: Actor = { source: 'cli', id: 'alice', name: 'alice' };
const bob: Actor = { source: 'cli', id: 'bob', name: 'bob' };
const NAMESPACE = 'default';

let cli: TemporalCli;
let dataDir: string;
let port: number;
let server: DevServer | undefined;
let worker: ChildWorker | undefined;
let db: DatabaseHandle;
let temporal: { client: TemporalContext['client']; close(): Promise<void> };
const taskQueue = `chaos-server-${randomUUID()}`;

const startServer = () => startDevServer({ cli, port, uiPort: false, dbFile: join(dataDir, 'temporal.sqlite'), namespace: NAMESPACE });

beforeAll(async () => {
  cli = await ensureTemporalCli();
  dataDir = mkdtempSync(join(tmpdir(), 'firebreak-chaos-temporal-'));
  port = await freePort();
  server = await startServer();
  db = connectDatabase(inject('databaseUrl'));
  worker = await startChildWorker({ address: server.address, namespace: NAMESPACE, taskQueue });
  temporal = await connectClient(server.address, NAMESPACE);
});
afterAll(async () => {
  await temporal?.close();
  await worker?.stop();
  await server?.stop();
  await db?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function remindersSince(key: string, since: number) {
  const rows = await db.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key));
  return rows.filter((r) => r.kind === 'reminder' && r.occurredAt.getTime() >= since);
}

/** The incident script; `fault` runs between the first note and the rest. */
async function script(fault: () => Promise<void>): Promise<{ key: string; remindersAfterFault: number }> {
  const ctx: TemporalContext = { client: temporal.client, taskQueue };
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `chaos:${randomUUID()}`, title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'cli', reporter: alice,
  });
  await eventually(async () => (await getIncidentView(ctx, key)).phase === 'triage', 20_000, 'triage');
  const handle = () => incidentHandle(ctx, key);
  await handle().executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: 'error rate up since the 14:00 deploy' }] });
  await fault();
  const faultDone = Date.now();
  // SEV3 in the test policy: no-commander nudge after 5 s, status reminder every 10 s.
  const reminders = await eventually(async () => {
    const rows = await remindersSince(key, faultDone);
    const kinds = new Set((await remindersSince(key, 0)).map((r) => r.details.reminder));
    return rows.length > 0 && kinds.has('no_commander') && kinds.has('status_update') ? rows : undefined;
  }, 60_000, 'reminders after the fault');
  await handle().executeUpdate(msg.assignRoleUpdate, { args: [{ actor: bob, role: 'commander', person: bob }] });
  await handle().executeUpdate(msg.addNoteUpdate, { args: [{ actor: bob, text: 'rolled back the deploy' }] });
  await handle().executeUpdate(msg.markMitigatedUpdate, { args: [{ actor: bob, text: 'error rate normal' }] });
  await handle().executeUpdate(msg.resolveUpdate, { args: [{ actor: bob, text: 'fixed' }] });
  await eventually(async () => {
    const [row] = await db.db.select().from(incidents).where(eq(incidents.key, key));
    // SEV3 needs no postmortem: the incident closes once the 5 s reopen window is over.
    return row?.phase === 'closed' ? row : undefined;
  }, 30_000, 'the incident closed');
  return { key, remindersAfterFault: reminders.length };
}

it('(e) an incident survives a restart of the Temporal server, reminders included', async () => {
  const clean = await script(async () => {});
  let restartMs = 0;
  const faulty = await script(async () => {
    const started = Date.now();
    await server!.stop();
    server = await startServer();
    restartMs = Date.now() - started;
  });
  const [before, after] = [await snapshot(db.db, [clean.key]), await snapshot(db.db, [faulty.key])];
  const identical = JSON.stringify(before) === JSON.stringify(after);
  recordOutcome('e', {
    scenario: 'e',
    faultFree: summarize(before),
    withFault: summarize(after, `server down/up ${(restartMs / 1000).toFixed(1)} s, ${faulty.remindersAfterFault} reminder(s) after it`),
    identical,
  });
  expect(duplicates(after)).toEqual([]);
  expect(after).toEqual(before);
  expect(faulty.remindersAfterFault).toBeGreaterThan(0);
});
