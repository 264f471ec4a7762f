// The sandbox server side: one database and one login role per sandbox, named after its ID so
// every step is idempotent and teardown can find what to remove even after a crash. The copy's
// progress lives inside the sandbox database (schema `_firebreak`, closed to the sandbox role), so
// it is created and dropped with the data it describes.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { scramVerifier } from '../access/postgres.js';

export const ident = (name: string) => pg.Client.prototype.escapeIdentifier(name);
const literal = (value: string) => pg.Client.prototype.escapeLiteral(value);

/** `SBX-3` → `sandbox_sbx_3`: the database and its role share the name. */
export function sandboxName(sandboxId: string): string {
  return `sandbox_${sandboxId.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

export function urlFor(adminUrl: string, database: string, user?: { name: string; password: string }): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user.name;
    url.password = user.password;
  }
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'firebreak-sandbox' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database unless it exists. No database on a sandbox server lets PUBLIC connect:
 * each sandbox role is granted CONNECT on its own database only.
 */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${ident(database)} TEMPLATE template0 ENCODING 'UTF8'`).catch(ignoreDuplicate);
    const all = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate`);
    for (const { datname } of all.rows) await admin.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(datname)} FROM PUBLIC`);
  });
}

// Two attempts racing to create the same database: the loser finds it made.
function ignoreDuplicate(error: { code?: string }): void {
  if (error.code !== '42P04' && error.code !== '23505') throw error;
}

export const META_SCHEMA = '_firebreak';

export async function ensureMeta(target: pg.ClientBase): Promise<void> {
  await target.query(`CREATE SCHEMA IF NOT EXISTS ${META_SCHEMA}`);
  await target.query(`REVOKE ALL ON SCHEMA ${META_SCHEMA} FROM PUBLIC`);
  await target.query(`CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.state (key text PRIMARY KEY, value jsonb NOT NULL)`);
  await target.query(`CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.copy_progress (table_name text PRIMARY KEY, rows bigint NOT NULL, hash text NOT NULL, finished_at timestamptz NOT NULL DEFAULT now())`);
}

export async function readState<T>(target: pg.ClientBase, key: string): Promise<T | undefined> {
  const { rows } = await target.query<{ value: T }>(`SELECT value FROM ${META_SCHEMA}.state WHERE key = $1`, [key]);
  return rows[0]?.value;
}

export async function writeState(target: pg.ClientBase, key: string, value: unknown): Promise<void> {
  await target.query(`INSERT INTO ${META_SCHEMA}.state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, JSON.stringify(value)]);
}

export interface SandboxCredentials {
  role: string;
  password: string;
  url: string;
  validUntil: string;
}

/**
 * A login role that expires with the sandbox (VALID UNTIL is the backstop if no worker is left to
 * tear down) and may connect to its own database only. It reads and writes the copied tables, so
 * a reproduction can run its statements; it owns nothing and cannot see `_firebreak`.
 */
export async function issueCredentials(adminUrl: string, sandboxId: string, validUntil: Date): Promise<SandboxCredentials> {
  const name = sandboxName(sandboxId);
  const password = randomBytes(24).toString('base64url');
  const options = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD ${literal(scramVerifier(password))} VALID UNTIL ${literal(validUntil.toISOString())}`;
  await withClient(adminUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount;
    await admin.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(name)} WITH ${options}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${ident(name)} TO ${ident(name)}`);
  });
  await withClient(urlFor(adminUrl, name), async (db) => {
    const schemas = await db.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', $1) AND nspname NOT LIKE 'pg_%'`,
      [META_SCHEMA],
    );
    for (const { nspname } of schemas.rows) {
      await db.query(`GRANT USAGE ON SCHEMA ${ident(nspname)} TO ${ident(name)}`);
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA ${ident(nspname)} TO ${ident(name)}`);
      await db.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${ident(nspname)} TO ${ident(name)}`);
    }
  });
  return { role: name, password, url: urlFor(adminUrl, name, { name, password }), validUntil: validUntil.toISOString() };
}

export async function extendCredentials(adminUrl: string, sandboxId: string, validUntil: Date): Promise<void> {
  const name = sandboxName(sandboxId);
  await withClient(adminUrl, async (admin) => {
    if ((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount) {
      await admin.query(`ALTER ROLE ${ident(name)} VALID UNTIL ${literal(validUntil.toISOString())}`);
    }
  });
}

/** Removes the database and the role; safe to repeat, and safe when either is already gone. */
export async function destroySandboxDatabase(adminUrl: string, sandboxId: string): Promise<void> {
  const name = sandboxName(sandboxId);
  await withClient(adminUrl, async (admin) => {
    const role = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount;
    if (role) await admin.query(`ALTER ROLE ${ident(name)} NOLOGIN`);
    // FORCE ends the sandbox's sessions first (PostgreSQL 13+).
    await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    if (role) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      await admin.query(`DROP ROLE IF EXISTS ${ident(name)}`);
    }
  });
}
