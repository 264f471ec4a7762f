// What tests read back from the timeline: an incident's notes, in the order they were recorded.
// Always ordered: without an ORDER BY, Postgres returns rows in whatever order it finds them.

import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { timelineEvents } from '../../db/schema/index.js';

export async function timelineNotes(db: Database, incident: string): Promise<string[]> {
  const rows = await db
    .select({ text: timelineEvents.text })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'note')))
    .orderBy(asc(timelineEvents.id));
  return rows.map((r) => r.text);
}
