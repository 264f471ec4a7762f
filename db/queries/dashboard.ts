// Read-only queries behind the managers' dashboard and the weekly team digest. Rows come back as
// stored: free text (titles, timeline and action text) is redacted by whoever renders it.
// "Today" is the UTC date of the `now` the caller passes, so pages, CSV and digest agree.

import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Phase, Severity } from '../../domain/incident.js';
import { ACTION_ITEM_STATUSES, type ActionItemStatus } from '../../domain/postmortem.js';
import type { Database } from '../client.js';
import {
  accessGrants,
  actionItems,
  flagRollbacks,
  incidents,
  postmortems,
  sandboxes,
  timelineEvents,
  type AccessGrantRow,
  type ActionItemRow,
  type FlagRollbackRow,
  type IncidentRow,
  type PostmortemRow,
  type SandboxRow,
  type TimelineEventRow,
} from '../schema/index.js';
import { utcDate } from './dashboard-dates.js';

export { chartSeries, type ChartSeries, type ChartOptions } from './dashboard-charts.js';

export const MAX_PAGE_SIZE = 200;
/** The CSV export stops here; the page says so rather than timing out. */
export const MAX_CSV_ROWS = 50_000;

export { utcDate } from './dashboard-dates.js';

function page(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(Math.trunc(limit ?? 50), 1), MAX_PAGE_SIZE),
    offset: Math.max(Math.trunc(offset ?? 0), 0),
  };
}

export interface IncidentFilter {
  severity?: Severity;
  service?: string;
  phase?: Phase;
  /** Declared at or after. */
  from?: Date;
  /** Declared before. */
  to?: Date;
  /** When set, private incidents other than these are left out (the viewer is not their member). */
  visiblePrivate?: readonly string[];
  limit?: number;
  offset?: number;
}

export interface IncidentPage {
  rows: IncidentRow[];
  /** More rows follow this page. */
  more: boolean;
}

function incidentConditions(f: IncidentFilter): SQL | undefined {
  return and(
    f.severity ? eq(incidents.severity, f.severity) : undefined,
    f.phase ? eq(incidents.phase, f.phase) : undefined,
    f.service ? sql`${incidents.services} @> ARRAY[${f.service}]::text[]` : undefined,
    f.from ? gte(incidents.declaredAt, f.from) : undefined,
    f.to ? lt(incidents.declaredAt, f.to) : undefined,
    f.visiblePrivate ? onlyVisible(f.visiblePrivate) : undefined,
  );
}

function keyList(keys: readonly string[]): SQL {
  return sql.join(keys.map((k) => sql`${k}`), sql`, `);
}

function onlyVisible(visible: readonly string[]): SQL {
  return visible.length ? sql`(NOT ${incidents.private} OR ${incidents.key} IN (${keyList(visible)}))` : sql`NOT ${incidents.private}`;
}

/** Action items of private incidents the viewer is not a member of. */
function hiddenPrivateItems(visible: readonly string[]): SQL {
  const except = visible.length ? sql` AND ${incidents.key} NOT IN (${keyList(visible)})` : sql``;
  return sql`NOT EXISTS (SELECT 1 FROM ${incidents} WHERE ${incidents.key} = ${actionItems.incidentKey} AND ${incidents.private}${except})`;
}

/** Newest first; one extra row tells whether another page exists without counting them all. */
export async function listIncidents(db: Database, filter: IncidentFilter = {}): Promise<IncidentPage> {
  const { limit, offset } = page(filter.limit, filter.offset);
  const rows = await db
    .select()
    .from(incidents)
    .where(incidentConditions(filter))
    .orderBy(desc(incidents.declaredAt), desc(incidents.number))
    .limit(limit + 1)
    .offset(offset);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

export interface IncidentDetail {
  incident: IncidentRow;
  timeline: TimelineEventRow[];
  grants: AccessGrantRow[];
  sandboxes: SandboxRow[];
  flags: FlagRollbackRow[];
  postmortem?: PostmortemRow;
  actionItems: ActionItemRow[];
}

export async function incidentDetail(db: Database, key: string): Promise<IncidentDetail | undefined> {
  const [incident] = await db.select().from(incidents).where(eq(incidents.key, key));
  if (!incident) return undefined;
  const [timeline, grants, boxes, flags, [postmortem], items] = await Promise.all([
    db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key)).orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id)),
    db.select().from(accessGrants).where(eq(accessGrants.incidentKey, key)).orderBy(asc(accessGrants.number)),
    db.select().from(sandboxes).where(eq(sandboxes.incidentKey, key)).orderBy(asc(sandboxes.number)),
    db.select().from(flagRollbacks).where(eq(flagRollbacks.incidentKey, key)).orderBy(asc(flagRollbacks.flag), asc(flagRollbacks.environment)),
    db.select().from(postmortems).where(eq(postmortems.incidentKey, key)),
    db.select().from(actionItems).where(eq(actionItems.incidentKey, key)).orderBy(asc(actionItems.dueDate), asc(actionItems.number)),
  ]);
  return { incident, timeline, grants, sandboxes: boxes, flags, postmortem, actionItems: items };
}

export interface ActionBoardFilter {
  team?: string;
  owner?: string;
  service?: string;
  status?: ActionItemStatus;
  /** Open and due before today (implies status open). */
  overdue?: boolean;
  /** Only items of these incidents (tests and the incident page). */
  incidentKeys?: readonly string[];
  /** When set, items of private incidents other than these are left out (the viewer is not their member). */
  visiblePrivate?: readonly string[];
  limit?: number;
  offset?: number;
}

export interface ActionBoardPage {
  rows: ActionItemRow[];
  more: boolean;
  /** The UTC date overdue was judged against. */
  today: string;
}

/**
 * The equality filters lead so one of the (team|owner|service|status, status, due_date) indexes
 * serves both the filter and the due-date order.
 */
export function actionBoardConditions(f: ActionBoardFilter, now: Date): SQL | undefined {
  const status = f.overdue ? 'open' : f.status;
  if (f.overdue && f.status === 'done') return sql`false`;
  return and(
    f.team ? eq(actionItems.team, f.team) : undefined,
    f.owner ? eq(actionItems.owner, f.owner) : undefined,
    f.service ? eq(actionItems.service, f.service) : undefined,
    status ? eq(actionItems.status, status) : undefined,
    f.overdue ? lt(actionItems.dueDate, utcDate(now)) : undefined,
    f.incidentKeys ? (f.incidentKeys.length ? inArray(actionItems.incidentKey, [...f.incidentKeys]) : sql`false`) : undefined,
    f.visiblePrivate ? hiddenPrivateItems(f.visiblePrivate) : undefined,
  );
}

const boardOrder = [asc(actionItems.dueDate), asc(actionItems.number)] as const;

function byDue(a: ActionItemRow, b: ActionItemRow): number {
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number;
}

/**
 * Sorted by due date (earliest first), then by number so pages are stable. Without a status the
 * indexes (…, status, due_date) cannot give due-date order directly, so each status is read in
 * index order and the two ordered lists are merged: no sort of every matching row.
 */
export async function actionBoard(db: Database, filter: ActionBoardFilter, now: Date): Promise<ActionBoardPage> {
  const { limit, offset } = page(filter.limit, filter.offset);
  const today = utcDate(now);
  if (filter.status || filter.overdue) {
    const rows = await db.select().from(actionItems).where(actionBoardConditions(filter, now)).orderBy(...boardOrder).limit(limit + 1).offset(offset);
    return { rows: rows.slice(0, limit), more: rows.length > limit, today };
  }
  const parts = await Promise.all(
    ACTION_ITEM_STATUSES.map((status) =>
      db.select().from(actionItems).where(actionBoardConditions({ ...filter, status }, now)).orderBy(...boardOrder).limit(offset + limit + 1),
    ),
  );
  const rows = parts.flat().sort(byDue).slice(offset, offset + limit + 1);
  return { rows: rows.slice(0, limit), more: rows.length > limit, today };
}

export async function countActionItems(db: Database, filter: ActionBoardFilter, now: Date): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(actionItems).where(actionBoardConditions(filter, now));
  return row?.n ?? 0;
}

export interface ActionCsvRow {
  key: string;
  incident: string;
  text: string;
  owner: string;
  team: string;
  service: string;
  priority: string;
  dueDate: string;
  status: string;
  overdue: boolean;
  issueUrl: string;
  createdAt: string;
  doneAt: string;
}

/** Every row of the board's filter (no paging, capped at MAX_CSV_ROWS), in board order. */
export async function actionBoardCsvRows(db: Database, filter: ActionBoardFilter, now: Date): Promise<ActionCsvRow[]> {
  const today = utcDate(now);
  const rows = await db
    .select()
    .from(actionItems)
    .where(actionBoardConditions(filter, now))
    .orderBy(...boardOrder)
    .limit(MAX_CSV_ROWS);
  return rows.map((r) => ({
    key: r.key,
    incident: r.incidentKey,
    text: r.text,
    owner: r.owner,
    team: r.team ?? '',
    service: r.service ?? '',
    priority: r.priority,
    dueDate: r.dueDate,
    status: r.status,
    overdue: r.status === 'open' && r.dueDate < today,
    issueUrl: r.issueUrl ?? '',
    createdAt: r.createdAt.toISOString(),
    doneAt: r.doneAt?.toISOString() ?? '',
  }));
}

/** Distinct values for the board's filter menus. */
export async function actionBoardFacets(db: Database): Promise<{ teams: string[]; owners: string[]; services: string[] }> {
  const distinct = async (column: typeof actionItems.team | typeof actionItems.owner | typeof actionItems.service) => {
    // A loose index scan: one index probe per distinct value instead of reading every row.
    const { rows } = await db.execute<{ v: string }>(sql`
      WITH RECURSIVE t(v) AS (
        (SELECT ${column} FROM ${actionItems} WHERE ${column} IS NOT NULL ORDER BY 1 LIMIT 1)
        UNION ALL
        SELECT (SELECT ${column} FROM ${actionItems} WHERE ${column} > t.v ORDER BY 1 LIMIT 1) FROM t WHERE t.v IS NOT NULL
      ) SELECT v FROM t WHERE v IS NOT NULL LIMIT 500`);
    return rows.map((r) => r.v);
  };
  const [teams, owners, services] = await Promise.all([distinct(actionItems.team), distinct(actionItems.owner), distinct(actionItems.service)]);
  return { teams, owners, services };
}

export { teamDigest, type TeamDigest, type TeamDigestOptions, type DigestItem, type DigestOwner, type DigestPostmortem, type DigestIncident } from './dashboard-digest.js';

