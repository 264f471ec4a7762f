import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
import { connectDatabase } from './client.js';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant works; it only has to be the same in every Firebreak process.
const MIGRATION_LOCK = 7_220_001;

/**
 * Applies the generated SQL migrations. Idempotent, and safe when several workers or HTTP servers
 * start at once: the advisory lock lets one apply while the others wait and then find nothing to do.
 */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const handle = connectDatabase(databaseUrl, { max: 1 });
  try {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await migrate(tx as unknown as typeof handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
    });
  } finally {
    await handle.close();
  }
}
