// What an external status page has received of each public incident (public_update_mirrors): read
// before a mirror step so a retry repeats nothing, written once the provider accepted the step.

import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../client.js';
import { publicUpdateMirrors, publicUpdates, type PublicUpdateMirrorRow, type PublicUpdateRow } from '../schema/index.js';

/** The stored (redacted) public update the mirror sends; undefined when it was never written. */
export async function readPublicUpdate(db: Database, incident: string, sequence: number): Promise<PublicUpdateRow | undefined> {
  const [row] = await db
    .select()
    .from(publicUpdates)
    .where(and(eq(publicUpdates.incidentKey, incident), eq(publicUpdates.sequence, sequence)));
  return row;
}

/** The mirror row of this very update, if it already got through. */
export async function findMirroredUpdate(db: Database, incident: string, sequence: number): Promise<PublicUpdateMirrorRow | undefined> {
  const [row] = await db
    .select()
    .from(publicUpdateMirrors)
    .where(and(eq(publicUpdateMirrors.incidentKey, incident), eq(publicUpdateMirrors.sequence, sequence)));
  return row;
}

/** The latest mirrored update before `sequence`: it names the remote incident later updates amend. */
export async function previousMirroredUpdate(db: Database, incident: string, sequence: number): Promise<PublicUpdateMirrorRow | undefined> {
  const [row] = await db
    .select()
    .from(publicUpdateMirrors)
    .where(and(eq(publicUpdateMirrors.incidentKey, incident), lt(publicUpdateMirrors.sequence, sequence)))
    .orderBy(desc(publicUpdateMirrors.sequence))
    .limit(1);
  return row;
}

export async function recordMirroredUpdate(db: Database, row: PublicUpdateMirrorRow): Promise<void> {
  await db.insert(publicUpdateMirrors).values(row).onConflictDoNothing();
}
