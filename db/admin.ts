// Creating and dropping whole databases: throwaway ones for tests, benchmarks and the history
// recorder. Needs a superuser (or CREATEDB) URL; production never calls this.

import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrlFromEnv(): string {
  return process.env.TEST_DATABASE_ADMIN_URL || DEFAULT_ADMIN_URL;
}

/** The URL of database `name` on the server `adminUrl` points at. */
export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    const shown = new URL(adminUrl);
    if (shown.password) shown.password = '***';
    throw new Error(`Postgres at ${shown}: ${(error as Error).message}; start Postgres or set TEST_DATABASE_ADMIN_URL to a superuser URL`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database named `<prefix>_<time>_<pid>`; `drop()` removes it even with clients still connected. */
export async function createScratchDatabase(prefix: string, adminUrl = adminUrlFromEnv()): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  return {
    name,
    url: databaseUrlFor(adminUrl, name),
    // FORCE ends connections a test left open (Postgres 13+), which would otherwise block the drop.
    drop: () => withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)).then(() => undefined),
  };
}
