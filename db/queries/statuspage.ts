// The public status page's rows: written by one idempotent step per public update, read by /status.

import { and, asc, desc, eq, gte, inArray, or } from 'drizzle-orm';
import type { ComponentState, PublicUpdate } from '../../domain/statuspage.js';
import type { Database } from '../client.js';
import { publicIncidents, publicUpdates, type PublicIncidentRow, type PublicUpdateRow } from '../schema/index.js';

/**
 * Writes one public update and moves its public incident along, once: a retry with the same
 * incident and sequence finds the update row and changes nothing. Returns the stored update.
 * The caller has redacted the texts already.
 */
export async function applyPublicUpdate(db: Database, write: PublicUpdate): Promise<{ applied: boolean; row: PublicUpdateRow }> {
  return db.transaction(async (tx) => {
    const at = new Date(write.at);
    const [existing] = await tx.select().from(publicIncidents).where(eq(publicIncidents.incidentKey, write.incident)).for('update');
    const [seen] = await tx
      .select()
      .from(publicUpdates)
      .where(and(eq(publicUpdates.incidentKey, write.incident), eq(publicUpdates.sequence, write.sequence)));
    if (seen) return { applied: false, row: seen };
    const states: Record<string, ComponentState> = write.verb === 'open' ? {} : { ...(existing?.components ?? {}) };
    for (const change of write.components) states[change.component] = change.state;
    // A resolved public incident no longer weighs on any component.
    if (write.verb === 'resolve') for (const name of Object.keys(states)) states[name] = 'operational';
    const status = write.verb === 'resolve' ? 'resolved' : 'open';
    const values = { title: write.title, status, components: states, updatedAt: at, resolvedAt: write.verb === 'resolve' ? at : null } as const;
    if (existing) {
      await tx
        .update(publicIncidents)
        .set(write.verb === 'open' ? { ...values, openedAt: at } : values)
        .where(eq(publicIncidents.incidentKey, write.incident));
    } else {
      await tx.insert(publicIncidents).values({ incidentKey: write.incident, openedAt: at, ...values });
    }
    const [row] = await tx
      .insert(publicUpdates)
      .values({ incidentKey: write.incident, sequence: write.sequence, verb: write.verb, text: write.text, components: write.components, publishedAt: at })
      .returning();
    return { applied: true, row: row! };
  });
}

export interface PublicIncidentWithUpdates extends PublicIncidentRow {
  /** Newest first. */
  updates: PublicUpdateRow[];
}

/** Open public incidents, and those resolved since `since`, each with its updates newest first. */
export async function readStatusPage(db: Database, since: Date): Promise<PublicIncidentWithUpdates[]> {
  const incidents = await db
    .select()
    .from(publicIncidents)
    .where(or(eq(publicIncidents.status, 'open'), gte(publicIncidents.resolvedAt, since)))
    .orderBy(desc(publicIncidents.openedAt));
  if (incidents.length === 0) return [];
  const updates = await db
    .select()
    .from(publicUpdates)
    .where(inArray(publicUpdates.incidentKey, incidents.map((i) => i.incidentKey)))
    .orderBy(asc(publicUpdates.incidentKey), desc(publicUpdates.sequence));
  return incidents.map((i) => ({ ...i, updates: updates.filter((u) => u.incidentKey === i.incidentKey) }));
}

/** One incident's public rows (tests and the reply), or undefined when it never went public. */
export async function readPublicIncident(db: Database, incident: string): Promise<PublicIncidentWithUpdates | undefined> {
  const [row] = await db.select().from(publicIncidents).where(eq(publicIncidents.incidentKey, incident));
  if (!row) return undefined;
  const updates = await db.select().from(publicUpdates).where(eq(publicUpdates.incidentKey, incident)).orderBy(desc(publicUpdates.sequence));
  return { ...row, updates };
}
