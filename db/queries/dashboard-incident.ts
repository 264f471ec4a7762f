// The incident page's outside links: its Slack channel and GitHub issue, as the integrations
// recorded them in incident_links. Kept apart from dashboard.ts's list and board queries.

import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { incidentLinks, type IncidentLinkRow } from '../schema/index.js';

export async function incidentLinkRows(db: Database, incidentKey: string): Promise<IncidentLinkRow[]> {
  return db.select().from(incidentLinks).where(eq(incidentLinks.incidentKey, incidentKey)).orderBy(asc(incidentLinks.kind));
}
