import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { incidentLinks, type IncidentLinkRow } from '../schema/index.js';

export type LinkKind = 'slack-channel' | 'github-issue';

export async function findLink(db: Database, incidentKey: string, kind: LinkKind): Promise<IncidentLinkRow | undefined> {
  const [row] = await db.select().from(incidentLinks).where(and(eq(incidentLinks.incidentKey, incidentKey), eq(incidentLinks.kind, kind)));
  return row;
}

/** The incident a Slack channel or GitHub issue belongs to, if any. */
export async function findIncidentByExternal(db: Database, kind: LinkKind, externalId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ incidentKey: incidentLinks.incidentKey })
    .from(incidentLinks)
    .where(and(eq(incidentLinks.kind, kind), eq(incidentLinks.externalId, externalId)));
  return row?.incidentKey;
}

/**
 * The external object already belongs to another incident. No retry can change that, so callers
 * treat it as final rather than let a notice retry for minutes.
 */
export class LinkTakenError extends Error {
  constructor(
    readonly link: { incidentKey: string; kind: LinkKind; externalId: string },
    readonly owner: string | undefined,
  ) {
    super(`${link.kind} ${link.externalId} already belongs to ${owner ?? 'another incident'}, so ${link.incidentKey} cannot be linked to it`);
    this.name = 'LinkTakenError';
  }
}

/** Creates the link once; a second call (a retried activity) returns the first row unchanged. */
export async function ensureLink(
  db: Database,
  link: { incidentKey: string; kind: LinkKind; externalId: string; data?: Record<string, unknown> },
): Promise<IncidentLinkRow> {
  await db
    .insert(incidentLinks)
    .values({ ...link, data: link.data ?? {} })
    .onConflictDoNothing();
  const row = await findLink(db, link.incidentKey, link.kind);
  if (!row) throw new LinkTakenError(link, await findIncidentByExternal(db, link.kind, link.externalId));
  return row;
}

/** Merges `data` into the link's data (e.g. the ts of the pinned summary once it is posted). */
export async function updateLinkData(db: Database, incidentKey: string, kind: LinkKind, data: Record<string, unknown>): Promise<void> {
  await db
    .update(incidentLinks)
    .set({ data: sql`${incidentLinks.data} || ${JSON.stringify(data)}::jsonb`, updatedAt: new Date() })
    .where(and(eq(incidentLinks.incidentKey, incidentKey), eq(incidentLinks.kind, kind)));
}
