// Shared set-up for the access tests: a scram-auth target server with a read-only role, a recording
// AccessNotifier, and short ways to request and decide grants through the real workflows.

import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import pg from 'pg';
import { createRecordingAccessNotifier, type CredentialsNotice } from '../../activities/access/index.js';
import { declareIncident, getIncidentView, incidentHandle } from '../../bots/workflow-client.js';
import { grantWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import * as access from '../../workflows/access/messages.js';
import * as incidentMsg from '../../workflows/incident/messages.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import { eventually, type TestSystem } from './system.js';

export const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
export const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
export const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };
export const dave: Actor = { source: 'slack', id: 'U0DAVE', name: 'dave' };

/**
 * The target server: database `app` readable through `app_readonly`, and `other` beside it. It
 * starts as a real server does, with Postgres's default privileges (CONNECT to PUBLIC on every
 * database, `postgres` and `template1` included); unless `defaultPrivileges` is asked for, it is then
 * configured as the README asks of operators, so that a grant's login can enter `app` alone.
 */
export async function startAccessTarget(options: { defaultPrivileges?: boolean } = {}): Promise<PgCluster> {
  const cluster = await startPgCluster();
  await sql(cluster.adminUrl, ['CREATE DATABASE app', 'CREATE DATABASE other', 'CREATE ROLE app_readonly NOLOGIN', 'GRANT CONNECT ON DATABASE app TO app_readonly']);
  await sql(cluster.urlFor('app'), [
    'CREATE TABLE payments (id int PRIMARY KEY, status text)',
    "INSERT INTO payments VALUES (1, 'failed'), (2, 'ok')",
    'GRANT USAGE ON SCHEMA public TO app_readonly',
    'GRANT SELECT ON payments TO app_readonly',
  ]);
  if (!options.defaultPrivileges) {
    await sql(cluster.adminUrl, ['REVOKE ALL ON DATABASE app FROM PUBLIC']);
    await revokePublicConnect(cluster);
  }
  return cluster;
}

/** One column of a query on the server's admin connection. */
async function adminColumn(cluster: PgCluster, query: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: cluster.adminUrl });
  await client.connect();
  try {
    return (await client.query<{ value: string }>(query)).rows.map((r) => r.value);
  } finally {
    await client.end();
  }
}

/** Every database that takes connections, as the server lists them. */
export function connectableDatabases(cluster: PgCluster): Promise<string[]> {
  return adminColumn(cluster, 'SELECT datname AS value FROM pg_database WHERE datallowconn ORDER BY 1');
}

/** The login roles Firebreak's grants have created on a server (`firebreak_gr_N`), by name. */
export function grantRoles(cluster: PgCluster): Promise<string[]> {
  return adminColumn(cluster, "SELECT rolname AS value FROM pg_roles WHERE rolname LIKE 'firebreak\\_%' ORDER BY 1");
}

/** What the operator of a target server does: no database but the target lets PUBLIC connect. */
export async function revokePublicConnect(cluster: PgCluster, target = 'app'): Promise<void> {
  const others = (await connectableDatabases(cluster)).filter((d) => d !== target);
  await sql(cluster.adminUrl, others.map((d) => `REVOKE CONNECT ON DATABASE ${pg.Client.prototype.escapeIdentifier(d)} FROM PUBLIC`));
}

export async function sql(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

export function accessRecorder() {
  return createRecordingAccessNotifier('test-access');
}

export function credentialsFor(notices: ReturnType<typeof accessRecorder>['notices'], grant: string, provider: CredentialsNotice['provider']): CredentialsNotice | undefined {
  return notices.filter((n): n is CredentialsNotice => n.kind === 'credentials' && n.grant === grant && n.provider === provider).at(-1);
}

export async function declare(system: TestSystem, reporter: Actor = alice): Promise<string> {
  const { key } = await declareIncident(system, {
    idempotencyKey: `test:${randomUUID()}`,
    title: 'Checkout returns 502',
    severity: 'SEV2',
    services: ['payments'],
    source: 'slack',
    reporter,
  });
  await eventually(async () => (await getIncidentView(system, key)).phase === 'triage', 10_000, 'triage');
  return key;
}

export async function requestAccess(system: TestSystem, incident: string, actor: Actor, capabilities: string[], durationSeconds: number, reason = 'checking 502s on /pay') {
  return incidentHandle(system, incident).executeUpdate(incidentMsg.requestAccessUpdate, { args: [{ actor, capabilities, durationSeconds, reason }] });
}

export function grantUpdate<I>(system: TestSystem, grant: string, definition: UpdateDefinition<access.GrantView, [I]>, input: I) {
  return system.client.workflow.getHandle(grantWorkflowId(grant)).executeUpdate(definition, { args: [input] });
}

export function grantState(system: TestSystem, grant: string) {
  return system.client.workflow.getHandle(grantWorkflowId(grant)).query(access.stateQuery);
}

/** The failure message of an update the workflow refused. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return cause?.message ?? (err as Error).message;
  }
  throw new Error('expected the update to be refused');
}

/** Tries to log in; returns the error message, or undefined when the login worked. */
export async function loginError(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
