import pg from 'pg';

const UNDEFINED_DATABASE = '3D000';

/**
 * Creates the database DATABASE_URL names when it does not exist yet, through the server's
 * `postgres` maintenance database. Only for development set-ups: production databases are
 * provisioned by their operators, and this is a no-op when the database is there.
 */
export async function ensureDatabaseExists(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_DATABASE) throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    log(`created database ${name}`);
  } catch (err) {
    // Another process created it between the probe and now.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end();
  }
}
