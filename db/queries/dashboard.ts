// Read-only queries behind the managers' dashboard and the weekly team digest. Rows come back as
// stored: free text (titles, timeline and action text) is redacted by whoever renders it.
// "Today" is the UTC date of the `now` the caller passes, so pages, CSV and digest agree.

import { and, asc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
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
import { containsPattern, hiddenPrivateItems, keyNumber } from './dashboard-visibility.js';
import type { SortDirection } from './dashboard-incident-list.js';

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

export { INCIDENT_SORTS, listIncidents, type IncidentFilter, type IncidentPage, type IncidentSort, type SortDirection } from './dashboard-incident-list.js';

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
  /** The action text or key ("ACT-12" or "12") contains this, case-insensitively. */
  search?: string;
  /** By due date unless another column is given. */
  sort?: ActionSort;
  dir?: SortDirection;
  limit?: number;
  offset?: number;
}

export const ACTION_SORTS = ['item', 'incident', 'action', 'owner', 'team', 'service', 'priority', 'due', 'status'] as const;
export type ActionSort = (typeof ACTION_SORTS)[number];

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
    f.search ? actionSearch(f.search) : undefined,
  );
}

function actionSearch(text: string): SQL {
  const number = keyNumber(text, 'ACT');
  return or(sql`${actionItems.text} ILIKE ${containsPattern(text)} ESCAPE '\\'`, number === undefined ? undefined : eq(actionItems.number, number))!;
}

const boardOrder = [asc(actionItems.dueDate), asc(actionItems.number)] as const;

/** Sortable columns as SQL; the incident key sorts by its number ("INC-9" before "INC-10"). */
const ACTION_SORT_EXPRESSIONS: Record<ActionSort, SQL[]> = {
  item: [sql`${actionItems.number}`],
  incident: [sql`length(${actionItems.incidentKey})`, sql`${actionItems.incidentKey}`],
  action: [sql`lower(${actionItems.text})`],
  owner: [sql`${actionItems.owner}`],
  team: [sql`${actionItems.team}`],
  service: [sql`${actionItems.service}`],
  priority: [sql`${actionItems.priority}`],
  due: [sql`${actionItems.dueDate}`],
  status: [sql`${actionItems.status}`],
};

function actionOrder(sort: ActionSort | undefined, dir: SortDirection | undefined): SQL[] {
  if ((!sort || sort === 'due') && dir !== 'desc') return [...boardOrder];
  const direction = dir === 'desc' ? sql`DESC NULLS LAST` : sql`ASC NULLS LAST`;
  const columns = ACTION_SORT_EXPRESSIONS[sort ?? 'due'].map((expression) => sql`${expression} ${direction}`);
  return [...columns, asc(actionItems.dueDate), asc(actionItems.number)];
}

function byDue(a: ActionItemRow, b: ActionItemRow): number {
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number;
}

/**
 * Sorted by due date (earliest first) unless another column is asked for, then by number so pages
 * are stable. In due-date order without a status the
 * indexes (…, status, due_date) cannot give due-date order directly, so each status is read in
 * index order and the two ordered lists are merged: no sort of every matching row.
 */
export async function actionBoard(db: Database, filter: ActionBoardFilter, now: Date): Promise<ActionBoardPage> {
  const { limit, offset } = page(filter.limit, filter.offset);
  const today = utcDate(now);
  const sorted = (filter.sort && filter.sort !== 'due') || filter.dir === 'desc';
  if (filter.status || filter.overdue || sorted) {
    const order = actionOrder(filter.sort, filter.dir);
    const rows = await db.select().from(actionItems).where(actionBoardConditions(filter, now)).orderBy(...order).limit(limit + 1).offset(offset);
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
    .orderBy(...actionOrder(filter.sort, filter.dir))
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

