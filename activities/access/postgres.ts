// The PostgreSQL provider: one login role per grant on the target server (ACCESS_POSTGRES_URL),
// with a random password, VALID UNTIL the expiry and membership in the capability's read-only role.
// VALID UNTIL is the backstop while no worker runs; revocation ends sessions and drops the role.
// The login reaches the capability's databases and no other: where the server would let it into
// another one (Postgres's default CONNECT for PUBLIC), nothing is issued and the refusal says what
// to revoke.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import pg from 'pg';

export interface PostgresTarget {
  database: string;
  readRole: string;
}

export interface PostgresProvider {
  /** Creates or re-keys the grant's role; returns the role name and the one-time password. */
  activate(grant: string, targets: PostgresTarget[], validUntil: Date): Promise<{ role: string; password: string; urls: string[] }>;
  extend(grant: string, validUntil: Date): Promise<void>;
  revoke(grant: string, targets: PostgresTarget[]): Promise<void>;
  close(): Promise<void>;
}

export function grantRoleName(grant: string): string {
  return `firebreak_${grant.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** A SCRAM-SHA-256 verifier, so the plaintext password never reaches the server or its logs. */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const ident = (name: string) => pg.Client.prototype.escapeIdentifier(name);
const literal = (value: string) => pg.Client.prototype.escapeLiteral(value);

function misconfigured(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'AccessMisconfigured', message, nonRetryable: true });
}

export function createPostgresProvider(adminUrl: string | undefined): PostgresProvider {
  let pool: pg.Pool | undefined;
  const admin = () => {
    if (!adminUrl) throw misconfigured('ACCESS_POSTGRES_URL is not set, so PostgreSQL access cannot be granted.');
    pool ??= new pg.Pool({ connectionString: adminUrl, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined);
    return pool;
  };
  const urlFor = (database: string, role: string, password: string) => {
    const url = new URL(adminUrl!);
    url.username = role;
    url.password = password;
    url.pathname = `/${database}`;
    return url.toString();
  };

  return {
    async activate(grant, targets, validUntil) {
      const role = grantRoleName(grant);
      const password = randomBytes(24).toString('base64url');
      const options = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT CONNECTION LIMIT 5 PASSWORD ${literal(scramVerifier(password))} VALID UNTIL ${literal(validUntil.toISOString())}`;
      const client = await admin().connect();
      try {
        await client.query('BEGIN');
        const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        await client.query(`${rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} WITH ${options}`);
        // Defence in depth: even a read role with a stray write grant cannot write in these sessions.
        await client.query(`ALTER ROLE ${ident(role)} SET default_transaction_read_only = on`);
        for (const t of targets) await client.query(`GRANT ${ident(t.readRole)} TO ${ident(role)}`);
        await refuseOtherDatabases(client, role, targets);
        await client.query('COMMIT');
      } catch (err) {
        // A refused grant leaves nothing: the role was created in this transaction.
        await client.query('ROLLBACK').catch(() => undefined);
        if ((err as { code?: string }).code === '42704') throw misconfigured(`The read role of a PostgreSQL capability does not exist on the target server: ${(err as Error).message}.`);
        throw err;
      } finally {
        client.release();
      }
      return { role, password, urls: [...new Set(targets.map((t) => t.database))].map((db) => urlFor(db, role, password)) };
    },

    async extend(grant, validUntil) {
      await admin().query(`ALTER ROLE ${ident(grantRoleName(grant))} VALID UNTIL ${literal(validUntil.toISOString())}`);
    },

    async revoke(grant, targets) {
      const role = grantRoleName(grant);
      const db = admin();
      const exists = async () => ((await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount ?? 0) > 0;
      if (!(await exists())) return;
      await db.query(`ALTER ROLE ${ident(role)} NOLOGIN`);
      for (const t of targets) await db.query(`REVOKE ${ident(t.readRole)} FROM ${ident(role)}`).catch(() => undefined);
      await terminateSessions(db, role);
      for (const database of new Set(targets.map((t) => t.database))) await dropOwned(adminUrl!, database, role);
      await db.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    },

    async close() {
      await pool?.end();
    },
  };
}

/**
 * The login must reach the capability's databases and no other. Asked of the server itself, inside
 * the transaction that made the role and its memberships: `has_database_privilege` is the check
 * the server runs when that role logs in (PUBLIC, every role it inherits from, a NULL datacl read
 * as the defaults), so its answer is a guarantee at issue time. Reading `datacl` here instead would
 * mean re-implementing membership and inheritance rules, and any gap would be a silent leak.
 */
async function refuseOtherDatabases(client: pg.PoolClient, role: string, targets: PostgresTarget[]): Promise<void> {
  const allowed = [...new Set(targets.map((t) => t.database))];
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datallowconn AND NOT (datname = ANY($2::text[])) AND has_database_privilege($1, datname, 'CONNECT') ORDER BY datname`,
    [role, allowed],
  );
  if (rows.length === 0) return;
  // Who gives CONNECT there: PUBLIC, or a role the login is a member of (a capability's read role).
  const { rows: grants } = await client.query<{ datname: string; grantee: string | null }>(
    `SELECT d.datname, CASE WHEN a.grantee = 0 THEN NULL ELSE r.rolname END AS grantee
       FROM pg_database d
       CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
       LEFT JOIN pg_roles r ON r.oid = a.grantee
      WHERE d.datname = ANY($2::text[]) AND a.privilege_type = 'CONNECT' AND (a.grantee = 0 OR pg_has_role($1, a.grantee, 'USAGE'))
      ORDER BY d.datname, a.grantee`,
    [role, rows.map((r) => r.datname)],
  );
  const revokes = [...new Set(grants.map((g) => `REVOKE CONNECT ON DATABASE ${ident(g.datname)} FROM ${g.grantee === null ? 'PUBLIC' : ident(g.grantee)};`))];
  const where = rows.map((r) => ident(r.datname)).join(', ');
  const target = allowed.map(ident).join(', ');
  throw misconfigured(
    `a PostgreSQL login for ${target} would also connect to ${where} on the target server, so none was issued. ` +
      `Run there: ${revokes.join(' ') || `REVOKE CONNECT ON DATABASE on each of ${where} from the roles that have it;`} ` +
      `then GRANT CONNECT ON DATABASE <database> TO <role> for the roles that do use those databases, and ask again.`,
  );
}

/** Ends the role's sessions and waits until the server has let them go, or the drop would fail. */
async function terminateSessions(db: pg.Pool, role: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await db.query<{ live: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS live FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
      [role],
    );
    if (rows[0]!.live === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sessions of ${role} did not end`);
}

/** Privileges and objects the role holds in a database must go before the role can be dropped. */
async function dropOwned(adminUrl: string, database: string, role: string): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(`DROP OWNED BY ${ident(role)}`);
  } finally {
    await client.end();
  }
}
