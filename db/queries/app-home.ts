import { and, desc, ne, sql } from 'drizzle-orm';
import type { Actor, Role } from '../../domain/incident.js';
import type { Database } from '../client.js';
import { incidents } from '../schema/index.js';

export interface MyIncident {
  key: string;
  title: string;
  severity: string;
  phase: string;
  /** The roles this person holds in it; empty when they only reported it. */
  roles: Role[];
}

const LIMIT = 20;

/** Open incidents a Slack user reported or holds a role in, newest first: their App Home. */
export async function openIncidentsOfSlackUser(db: Database, userId: string): Promise<MyIncident[]> {
  const actor = JSON.stringify({ source: 'slack', id: userId });
  const rows = await db
    .select({ key: incidents.key, title: incidents.title, severity: incidents.severity, phase: incidents.phase, roles: incidents.roles })
    .from(incidents)
    .where(
      and(
        ne(incidents.phase, 'closed'),
        sql`(${incidents.reporter} @> ${actor}::jsonb OR EXISTS (SELECT 1 FROM jsonb_each(${incidents.roles}) AS held WHERE held.value @> ${actor}::jsonb))`,
      ),
    )
    .orderBy(desc(incidents.number))
    .limit(LIMIT);
  return rows.map((row) => ({
    key: row.key,
    title: row.title,
    severity: row.severity,
    phase: row.phase,
    roles: (Object.entries(row.roles) as Array<[Role, Actor | undefined]>).filter(([, holder]) => holder?.source === 'slack' && holder.id === userId).map(([role]) => role),
  }));
}
