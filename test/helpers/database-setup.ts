import type { TestProject } from 'vitest/node';
import { createScratchDatabase } from '../../db/admin.js';
import { runMigrations } from '../../db/migrate.js';

// The e2e project needs Postgres but not Temporal: one fresh, migrated database per run, dropped
// afterwards. Provides `databaseUrl` like the system project's global setup.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await createScratchDatabase('firebreak_e2e');
  try {
    await runMigrations(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  process.stderr.write(`e2e database ${database.name}\n`);
  project.provide('databaseUrl', database.url);
  return () => database.drop();
}
