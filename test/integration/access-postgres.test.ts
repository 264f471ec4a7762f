import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { auditLog, accessGrants, timelineEvents } from '../../db/schema/index.js';
import * as access from '../../workflows/access/messages.js';
import type { PgCluster } from '../helpers/pg-cluster.js';
import { createPostgresProvider, grantRoleName } from '../../activities/access/postgres.js';
import type { EndedNotice } from '../../workflows/access/messages.js';
import {
  accessRecorder,
  alice,
  carol,
  connectableDatabases,
  credentialsFor,
  declare,
  grantUpdate,
  loginError,
  requestAccess,
  revokePublicConnect,
  startAccessTarget,
} from '../helpers/access.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let target: PgCluster;
const recorder = accessRecorder();

beforeAll(async () => {
  // As a real server starts: CONNECT to PUBLIC on every database. The grants below are refused
  // until the first describe block revokes it, as the README tells operators to.
  target = await startAccessTarget({ defaultPrivileges: true });
  system = await startTestSystem({ accessNotifiers: [recorder], access: { postgresUrl: target.adminUrl } });
});
afterAll(async () => {
  await system?.stop();
  await target?.stop();
});

async function approvedDbGrant(sys: TestSystem, seconds: number) {
  const incident = await declare(sys);
  const { grant } = await requestAccess(sys, incident, alice, ['db-readonly'], seconds);
  await grantUpdate(sys, grant, access.approveUpdate, { actor: carol });
  const creds = credentialsFor(recorder.notices, grant, 'postgres');
  if (!creds?.secret) throw new Error(`no credentials delivered for ${grant}`);
  return { incident, grant, secret: creds.secret as { username: string; password: string; url: string } };
}

async function openSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function roleExists(role: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: target.adminUrl });
  await admin.connect();
  try {
    return ((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

describe("PostgreSQL grants on a server with Postgres's default privileges", () => {
  it('are refused with what to revoke, leave no login role, and the refusal reaches the requester', async () => {
    const others = (await connectableDatabases(target)).filter((d) => d !== 'app');
    expect(others).toEqual(expect.arrayContaining(['other', 'postgres', 'template1']));
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['db-readonly'], 30);
    const view = await grantUpdate(system, grant, access.approveUpdate, { actor: carol });
    expect(view.status).toBe('revoked');
    expect(await roleExists(grantRoleName(grant))).toBe(false);
    expect(credentialsFor(recorder.notices, grant, 'postgres')).toBeUndefined();

    const ended = await eventually(async () => recorder.notices.find((n): n is EndedNotice => n.kind === 'ended' && n.grant === grant), 15_000, 'the ended notice');
    for (const database of others) expect(ended.reason).toContain(`REVOKE CONNECT ON DATABASE "${database}" FROM PUBLIC;`);
    expect(ended.reason).not.toContain('DATABASE "app" FROM');
    expect(ended.view.requester).toEqual(alice);
    const [row] = await system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant));
    expect(row).toMatchObject({ status: 'revoked' });
    expect(row!.endReason).toContain('REVOKE CONNECT ON DATABASE "other" FROM PUBLIC;');
  });

  it('are issued once PUBLIC may connect to no other database, and reach the target alone', async () => {
    await revokePublicConnect(target);
    const { grant, secret } = await approvedDbGrant(system, 30);
    const session = await openSession(secret.url);
    expect((await session.query('SELECT count(*)::int AS n FROM payments')).rows[0]).toEqual({ n: 2 });
    await session.end();
    const all = await query(target.adminUrl, 'SELECT datname FROM pg_database ORDER BY 1');
    expect(all).toEqual(expect.arrayContaining(['app', 'other', 'postgres', 'template0', 'template1']));
    for (const database of all.filter((d) => d !== 'app')) {
      expect(await loginError(target.urlFor(database, secret.username, secret.password)), database).toMatch(
        new RegExp(`permission denied for database "${database}"|database "${database}" is not currently accepting connections`),
      );
    }
    await grantUpdate(system, grant, access.revokeUpdate, { actor: carol, reason: 'done' });
    expect(await roleExists(secret.username)).toBe(false);
  });
});

describe('the PostgreSQL provider', () => {
  it('refuses a login whose read role may connect to another database, naming that role', async () => {
    await revokePublicConnect(target);
    await sqlOn(target.adminUrl, 'GRANT CONNECT ON DATABASE other TO app_readonly');
    const provider = createPostgresProvider(target.adminUrl);
    try {
      const refused = await provider.activate('GR-PROVIDER-1', [{ database: 'app', readRole: 'app_readonly' }], new Date(Date.now() + 60_000)).catch((e: unknown) => e);
      expect(refused).toMatchObject({ type: 'AccessMisconfigured', nonRetryable: true });
      expect((refused as Error).message).toContain('REVOKE CONNECT ON DATABASE "other" FROM "app_readonly";');
      expect((refused as Error).message).not.toContain('FROM PUBLIC');
      expect(await roleExists(grantRoleName('GR-PROVIDER-1'))).toBe(false);
    } finally {
      await sqlOn(target.adminUrl, 'REVOKE CONNECT ON DATABASE other FROM app_readonly');
      await provider.close();
    }
  });
});

async function sqlOn(url: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

async function query(url: string, sql: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return (await admin.query<{ datname: string }>(sql)).rows.map((r) => r.datname);
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL grants on a password-authenticated server', () => {
  // Configured as the README asks; idempotent if the block above already did it.
  beforeAll(async () => {
    await revokePublicConnect(target);
  });

  it('can SELECT on the target database and nothing else, and revocation ends the session and the login', async () => {
    const { incident, grant, secret } = await approvedDbGrant(system, 30);
    const session = await openSession(secret.url);
    expect((await session.query('SELECT status FROM payments ORDER BY id')).rows).toEqual([{ status: 'failed' }, { status: 'ok' }]);
    await expect(session.query("INSERT INTO payments VALUES (3, 'x')")).rejects.toThrow(/read-only transaction|permission denied/);
    // Turning read-only off is possible, but the role's privileges still refuse the write.
    await session.query('SET default_transaction_read_only = off');
    await expect(session.query("UPDATE payments SET status = 'x'")).rejects.toThrow(/permission denied/);
    await expect(session.query('CREATE TABLE mine (id int)')).rejects.toThrow(/permission denied/);
    expect(await loginError(target.urlFor('other', secret.username, secret.password))).toMatch(/permission denied for database "other"/);
    const firebreakDb = new URL(inject('databaseUrl'));
    firebreakDb.username = secret.username;
    firebreakDb.password = secret.password;
    expect(await loginError(firebreakDb.toString())).toMatch(/role .* does not exist|authentication failed/);
    expect(await loginError(target.urlFor('app', secret.username, 'not-the-password'))).toMatch(/password authentication failed/);

    // Secrets stay out of the workflow history, the timeline and the audit log.
    const history = JSON.stringify(await system.client.workflow.getHandle(`grant:${grant}`).fetchHistory());
    expect(history).not.toContain(secret.password);
    const rows = JSON.stringify([
      await system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, incident)),
      await system.database.db.select().from(auditLog).where(eq(auditLog.subject, grant)),
      await system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant)),
    ]);
    expect(rows).not.toContain(secret.password);
    expect(rows).toContain(secret.username);

    await grantUpdate(system, grant, access.revokeUpdate, { actor: carol, reason: 'done' });
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await session.end().catch(() => undefined);
    expect(await loginError(secret.url)).toMatch(/password authentication failed|does not exist/);
    expect(await roleExists(secret.username)).toBe(false);
  });

  it('expires on its own: the open session is ended and the login refused', async () => {
    const { grant, secret } = await approvedDbGrant(system, 3);
    const session = await openSession(secret.url);
    expect((await session.query('SELECT count(*)::int AS n FROM payments')).rows[0]).toEqual({ n: 2 });
    await eventually(async () => !(await roleExists(secret.username)), 15_000, 'role dropped at expiry');
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await session.end().catch(() => undefined);
    expect(await loginError(secret.url)).toBeDefined();
    const [row] = await system.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant));
    expect(row).toMatchObject({ status: 'expired' });
  });

  it('revokes once a worker is back when the expiry passed while no worker ran', async () => {
    const taskQueue = `access-restart-${randomUUID()}`;
    const first = await startTestSystem({ taskQueue, accessNotifiers: [recorder], access: { postgresUrl: target.adminUrl } });
    const { grant, secret } = await approvedDbGrant(first, 4);
    const [active] = await first.database.db.select().from(accessGrants).where(eq(accessGrants.key, grant));
    await first.stop();
    // The scenario needs the real expiry to pass while no worker runs (no time-skipping here).
    await new Promise((r) => setTimeout(r, Math.max(0, active!.expiresAt!.getTime() - Date.now()) + 1_000));
    // Nothing ran at the expiry, yet VALID UNTIL already refuses new logins.
    expect(await roleExists(secret.username)).toBe(true);
    expect(await loginError(secret.url)).toMatch(/password authentication failed/);

    const restartedAt = Date.now();
    const second = await startTestSystem({ taskQueue, accessNotifiers: [recorder], access: { postgresUrl: target.adminUrl } });
    try {
      await eventually(async () => !(await roleExists(secret.username)), 40_000, 'role dropped after restart');
      const [expiry] = await second.database.db.select().from(auditLog).where(and(eq(auditLog.subject, grant), eq(auditLog.action, 'access.expire')));
      expect(expiry!.at.getTime()).toBeGreaterThanOrEqual(restartedAt - 1000);
      // How soon after the restart the expiry runs (the old worker's sticky queue times out first)
      // is measured by `npm run bench:restart`, not asserted here.
      expect(expiry!.details).toMatchObject({ expiresAt: active!.expiresAt!.toISOString() });
    } finally {
      await second.stop();
    }
  });
});
