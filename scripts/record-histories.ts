// Records workflow histories from real runs into test/fixtures/histories/ for the replay tests.
// Run it (`npm run record-histories`) before changing workflow code, never after: the committed
// histories must come from the code that running incidents were started with.

import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { createActivities } from '../activities/index.js';
import { declareIncident, incidentHandle, runIncidentUpdate } from '../bots/temporal.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import type { Actor } from '../domain/incident.js';
import { parsePolicy } from '../domain/policy/index.js';
import { createRedactor } from '../domain/redact.js';
import * as msg from '../workflows/incident/messages.js';
import { startDevServer } from '../worker/dev-server.js';
import { createLogger } from '../worker/logger.js';
import { createFirebreakWorker } from '../worker/worker.js';
import { ensureTemporalCli } from './temporal-cli.js';

const OUT = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const POLICY = fileURLToPath(new URL('../test/fixtures/policy.yaml', import.meta.url));
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  writeFileSync(`${OUT}${name}.json`, JSON.stringify(JSON.parse(historyToJSON(history)), null, 1) + '\n');
  console.log(`wrote ${name}.json (${history.events?.length ?? 0} events)`);
}

async function lifecycle(ctx: { client: Client; taskQueue: string }): Promise<void> {
  const idempotencyKey = `record:${randomUUID()}`;
  const { key } = await declareIncident(ctx, {
    idempotencyKey,
    title: 'Checkout returns 502',
    severity: 'SEV3',
    services: ['payments'],
    source: 'slack',
    reporter: alice,
  });
  const handle = incidentHandle(ctx, key);
  // Long enough for the no-commander nudge (5 s for SEV3 in the test policy) to fire once.
  await new Promise((r) => setTimeout(r, 6_000));
  const run = <I>(def: UpdateDefinition<msg.IncidentView, [I]>, input: I) => runIncidentUpdate(ctx, key, def, input);
  await run(msg.setSeverityUpdate, { actor: bob, severity: 'SEV4', reason: 'internal only' });
  await run(msg.assignRoleUpdate, { actor: bob, role: 'commander', person: alice });
  await run(msg.addNoteUpdate, { actor: bob, text: 'error rate 40% since 10:02' });
  await run(msg.postStatusUpdate, { actor: alice, text: 'Rolling back' });
  await run(msg.markMitigatedUpdate, { actor: alice, text: 'rollback done' });
  await run(msg.resolveUpdate, { actor: alice });
  await run(msg.reopenUpdate, { actor: bob, text: 'back again' });
  await run(msg.resolveUpdate, { actor: alice, text: 'fixed for real' });
  await handle.result(); // SEV4 needs no postmortem: closes after the reopen window
  await save('incident-lifecycle', handle);
  await save('declare', ctx.client.workflow.getHandle(`declare:${idempotencyKey}`));
}

async function main(): Promise<void> {
  const cli = await ensureTemporalCli({ log: console.log });
  const server = await startDevServer({ cli, uiPort: false });
  const dbName = `firebreak_record_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  await runMigrations(url.toString());
  const database = connectDatabase(url.toString());
  const policy = parsePolicy(readFileSync(POLICY, 'utf8'), POLICY);
  const taskQueue = 'record-histories';
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createFirebreakWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    activities: createActivities({ db: database.db, policy: () => policy, redactor: createRedactor(), logger: createLogger({ level: 'warn' }) }),
  });
  const connection = await Connection.connect({ address: server.address });
  try {
    await worker.runUntil(lifecycle({ client: new Client({ connection, namespace: server.namespace }), taskQueue }));
  } finally {
    await connection.close();
    await nativeConnection.close();
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

await main();
