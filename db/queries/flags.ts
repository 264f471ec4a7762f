import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import type { FlagRollbackWrite } from '../../domain/flags.js';
import { flagRollbacks, flagSnapshots, type FlagRollbackRow, type FlagSnapshotRow } from '../schema/index.js';

export type NewFlagSnapshot = Omit<FlagSnapshotRow, 'takenAt'> & { takenAt: string };

/** The declaration-time snapshot is taken once: a retried activity keeps the first reading. */
export async function saveFlagSnapshots(db: Database, rows: NewFlagSnapshot[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(flagSnapshots)
    .values(rows.map((r) => ({ ...r, takenAt: new Date(r.takenAt) })))
    .onConflictDoNothing();
}

export async function listFlagSnapshots(db: Database, incident: string): Promise<FlagSnapshotRow[]> {
  return db.select().from(flagSnapshots).where(eq(flagSnapshots.incidentKey, incident)).orderBy(asc(flagSnapshots.flag));
}

/**
 * Writes the rollback row as the workflow sees it now. An upsert of the whole row is idempotent:
 * a retried activity writes the same values again.
 */
export async function saveFlagRollback(db: Database, row: FlagRollbackWrite, at: string): Promise<void> {
  const toDate = (v: string | null | undefined) => (v ? new Date(v) : v === null ? null : undefined);
  const values = { ...row, rolledBackAt: toDate(row.rolledBackAt), restoredAt: toDate(row.restoredAt), updatedAt: new Date(at) };
  const { incidentKey: _i, flag: _f, environment: _e, ...changes } = values;
  await db
    .insert(flagRollbacks)
    .values(values)
    .onConflictDoUpdate({
      target: [flagRollbacks.incidentKey, flagRollbacks.flag, flagRollbacks.environment],
      set: Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
    });
}

export async function getFlagRollback(db: Database, incident: string, flag: string, environment: string): Promise<FlagRollbackRow | undefined> {
  const [row] = await db
    .select()
    .from(flagRollbacks)
    .where(and(eq(flagRollbacks.incidentKey, incident), eq(flagRollbacks.flag, flag), eq(flagRollbacks.environment, environment)));
  return row;
}

export async function listFlagRollbacks(db: Database, incident: string): Promise<FlagRollbackRow[]> {
  return db.select().from(flagRollbacks).where(eq(flagRollbacks.incidentKey, incident)).orderBy(asc(flagRollbacks.flag));
}
