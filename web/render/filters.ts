// Query parameters → query filters. Anything unrecognised is dropped rather than refused: a stale
// bookmark still opens, just less filtered.

import { ACTION_SORTS, INCIDENT_SORTS, type ActionBoardFilter, type ActionSort, type IncidentFilter, type IncidentSort, type SortDirection } from '../../db/queries/dashboard.js';
import { isPhase, isSeverity } from '../../domain/incident.js';

export const PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^[\w .@-]{1,100}$/u;

function text(params: URLSearchParams, key: string): string | undefined {
  const v = params.get(key)?.trim();
  return v && NAME.test(v) ? v : undefined;
}

function date(params: URLSearchParams, key: string): string | undefined {
  const v = params.get(key)?.trim();
  return v && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined;
}

/** Longer search text is cut here: a title is rarely longer, and the query stays cheap. */
export const MAX_SEARCH_LENGTH = 200;

function search(params: URLSearchParams): string | undefined {
  const v = params.get('q')?.trim().slice(0, MAX_SEARCH_LENGTH).trim();
  return v || undefined;
}

/** A whitelisted sort column and direction; anything else means the page's default order. */
function sorting<S extends string>(params: URLSearchParams, columns: readonly S[]): { sort?: S; dir?: SortDirection } {
  const sort = params.get('sort') ?? '';
  if (!(columns as readonly string[]).includes(sort)) return {};
  return { sort: sort as S, dir: params.get('dir') === 'desc' ? 'desc' : 'asc' };
}

export function pageNumber(params: URLSearchParams): number {
  const n = Number(params.get('page'));
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export interface IncidentQuery {
  severity?: string;
  service?: string;
  phase?: string;
  from?: string;
  to?: string;
  q?: string;
  /** As asked; the page checks it against the policy's teams. */
  team?: string;
  sort?: IncidentSort;
  dir?: SortDirection;
  page: number;
}

export function parseIncidentQuery(params: URLSearchParams): { query: IncidentQuery; filter: IncidentFilter } {
  const severity = params.get('severity') ?? undefined;
  const phase = params.get('phase') ?? undefined;
  const query: IncidentQuery = {
    severity: isSeverity(severity) ? severity : undefined,
    phase: isPhase(phase) ? phase : undefined,
    service: text(params, 'service'),
    from: date(params, 'from'),
    to: date(params, 'to'),
    q: search(params),
    team: params.get('team')?.trim().slice(0, 100) || undefined,
    ...sorting(params, INCIDENT_SORTS),
    page: pageNumber(params),
  };
  const filter: IncidentFilter = {
    search: query.q,
    sort: query.sort,
    dir: query.dir,
    severity: isSeverity(severity) ? severity : undefined,
    phase: isPhase(phase) ? phase : undefined,
    service: query.service,
    from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
    // "to" is inclusive of that whole day.
    to: query.to ? new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000) : undefined,
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  };
  return { query, filter };
}

export interface ActionQuery {
  team?: string;
  owner?: string;
  service?: string;
  /** `open` (the default), `done` or `all`. */
  status: 'open' | 'done' | 'all';
  overdue: boolean;
  q?: string;
  sort?: ActionSort;
  dir?: SortDirection;
  page: number;
}

export function parseActionQuery(params: URLSearchParams): { query: ActionQuery; filter: ActionBoardFilter } {
  const rawStatus = params.get('status');
  const status = rawStatus === 'done' || rawStatus === 'all' ? rawStatus : 'open';
  const overdue = ['1', 'true', 'on', 'yes'].includes(params.get('overdue') ?? '');
  const query: ActionQuery = {
    team: text(params, 'team'),
    owner: text(params, 'owner'),
    service: text(params, 'service'),
    status,
    overdue,
    q: search(params),
    ...sorting(params, ACTION_SORTS),
    page: pageNumber(params),
  };
  const filter: ActionBoardFilter = {
    search: query.q,
    sort: query.sort,
    dir: query.dir,
    team: query.team,
    owner: query.owner,
    service: query.service,
    status: status === 'all' ? undefined : status,
    overdue,
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  };
  return { query, filter };
}

/** The same filters as links and forms carry them (without the sort: headers and pagers add it). */
export function actionQueryParams(q: ActionQuery): Record<string, string | undefined> {
  return { team: q.team, owner: q.owner, service: q.service, status: q.status === 'open' ? undefined : q.status, overdue: q.overdue ? '1' : undefined, q: q.q };
}

export function incidentQueryParams(q: IncidentQuery): Record<string, string | undefined> {
  return { q: q.q, team: q.team, severity: q.severity, service: q.service, phase: q.phase, from: q.from, to: q.to };
}
