// The dashboard's incident list: filters, a search box, a team's services, and sorting by a
// whitelisted column (the column name someone put in the URL never reaches the SQL).

import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { PHASES, type Phase, type Severity } from '../../domain/incident.js';
import type { Database } from '../client.js';
import { incidents, type IncidentRow } from '../schema/index.js';
import { containsPattern, keyNumber, onlyVisibleIncidents } from './dashboard-visibility.js';

export const INCIDENT_SORTS = ['incident', 'severity', 'phase', 'title', 'services', 'declared', 'acknowledged', 'resolved'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

export const MAX_INCIDENT_PAGE_SIZE = 200;

export interface IncidentFilter {
  severity?: Severity;
  service?: string;
  phase?: Phase;
  /** Declared at or after. */
  from?: Date;
  /** Declared before. */
  to?: Date;
  /** Title, key ("INC-12" or "12") or a service name contains this, case-insensitively. */
  search?: string;
  /** Incidents touching any of these services (a team's services); an empty list matches none. */
  anyService?: readonly string[];
  /** When set, private incidents other than these are left out (the viewer is not their member). */
  visiblePrivate?: readonly string[];
  /** Newest first unless a column is given. */
  sort?: IncidentSort;
  dir?: SortDirection;
  limit?: number;
  offset?: number;
}

export interface IncidentPage {
  rows: IncidentRow[];
  /** More rows follow this page. */
  more: boolean;
}

function searchCondition(text: string): SQL {
  const pattern = containsPattern(text);
  const number = keyNumber(text, 'INC');
  return or(
    sql`${incidents.title} ILIKE ${pattern} ESCAPE '\\'`,
    sql`EXISTS (SELECT 1 FROM unnest(${incidents.services}) AS s(name) WHERE s.name ILIKE ${pattern} ESCAPE '\\')`,
    number === undefined ? undefined : eq(incidents.number, number),
  )!;
}

export function incidentConditions(f: IncidentFilter): SQL | undefined {
  return and(
    f.severity ? eq(incidents.severity, f.severity) : undefined,
    f.phase ? eq(incidents.phase, f.phase) : undefined,
    f.service ? sql`${incidents.services} @> ARRAY[${f.service}]::text[]` : undefined,
    f.anyService ? (f.anyService.length ? sql`${incidents.services} && ARRAY[${sql.join(f.anyService.map((s) => sql`${s}`), sql`, `)}]::text[]` : sql`false`) : undefined,
    f.search ? searchCondition(f.search) : undefined,
    f.from ? gte(incidents.declaredAt, f.from) : undefined,
    f.to ? lt(incidents.declaredAt, f.to) : undefined,
    f.visiblePrivate ? onlyVisibleIncidents(f.visiblePrivate) : undefined,
  );
}

const phaseRank = sql`array_position(ARRAY[${sql.join(PHASES.map((p) => sql`${p}`), sql`, `)}]::text[], ${incidents.phase}::text)`;

/** Each sortable column as an SQL expression; durations are "declared until …", unknown ones last. */
const SORT_EXPRESSIONS: Record<IncidentSort, SQL | typeof incidents.number> = {
  incident: incidents.number,
  severity: sql`${incidents.severity}`,
  phase: phaseRank,
  title: sql`lower(${incidents.title})`,
  services: sql`array_to_string(${incidents.services}, ',')`,
  declared: sql`${incidents.declaredAt}`,
  acknowledged: sql`(${incidents.acknowledgedAt} - ${incidents.declaredAt})`,
  resolved: sql`(${incidents.resolvedAt} - ${incidents.declaredAt})`,
};

function incidentOrder(sort: IncidentSort | undefined, dir: SortDirection | undefined): SQL[] {
  if (!sort) return [desc(incidents.declaredAt), desc(incidents.number)];
  const column = SORT_EXPRESSIONS[sort];
  const direction = dir === 'desc' ? sql`DESC NULLS LAST` : sql`ASC NULLS LAST`;
  // The key breaks ties so pages never repeat or skip a row.
  return [sql`${column} ${direction}`, dir === 'desc' ? desc(incidents.number) : asc(incidents.number)];
}

/** One extra row tells whether another page exists without counting them all. */
export async function listIncidents(db: Database, filter: IncidentFilter = {}): Promise<IncidentPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), MAX_INCIDENT_PAGE_SIZE);
  const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
  const rows = await db
    .select()
    .from(incidents)
    .where(incidentConditions(filter))
    .orderBy(...incidentOrder(filter.sort, filter.dir))
    .limit(limit + 1)
    .offset(offset);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}
