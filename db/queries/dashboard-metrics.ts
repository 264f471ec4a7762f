// Incident metrics per month, "are we getting better": how many incidents were declared, and the
// mean and median time from declaration to acknowledgement, mitigation and resolution. Months are
// UTC calendar months from generate_series, so a quiet month is a zero rather than a gap; an
// incident counts in the month it was declared. One query answers all months at once, in total and
// per severity (GROUPING SETS), so the page's charts and tables agree.

import { sql, type SQL } from 'drizzle-orm';
import { SEVERITIES, type Severity } from '../../domain/incident.js';
import type { Database } from '../client.js';

export const MAX_METRIC_MONTHS = 36;

export interface IncidentMetricsOptions {
  now: Date;
  /** Months ending with the current one (1..36, default 12). */
  months?: number;
  severity?: Severity;
  /** Incidents touching at least one of these services (a team's services); an empty list matches none. */
  anyService?: readonly string[];
  /** Incidents touching this service. */
  service?: string;
  /** Count private incidents too: `privateIncidents.includeInMetrics`. */
  includePrivate?: boolean;
}

/** Seconds; null when no incident of the month reached that point. */
export interface DurationStats {
  mean: number | null;
  median: number | null;
}

export interface MonthMetrics {
  /** `YYYY-MM`. */
  month: string;
  incidents: number;
  acknowledge: DurationStats;
  mitigate: DurationStats;
  resolve: DurationStats;
}

export interface IncidentMetrics {
  months: string[];
  /** One per month, oldest first, every month present. */
  total: MonthMetrics[];
  /** Per severity, one per month, oldest first, every month present. */
  bySeverity: Record<Severity, MonthMetrics[]>;
}

/** First day (UTC) of the month `back` months before `now`'s. */
export function monthStart(now: Date, back = 0): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

/** `YYYY-MM` → the first and last calendar day, `YYYY-MM-DD`, for links to the incident list. */
export function monthBounds(month: string): { from: string; to: string } {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, mon, 0));
  return { from: `${month}-01`, to: last.toISOString().slice(0, 10) };
}

function filters(o: IncidentMetricsOptions): SQL {
  const parts: SQL[] = [];
  if (!o.includePrivate) parts.push(sql`AND NOT private`);
  if (o.severity) parts.push(sql`AND severity = ${o.severity}`);
  if (o.service) parts.push(sql`AND services @> ARRAY[${o.service}]::text[]`);
  if (o.anyService)
    parts.push(o.anyService.length ? sql`AND services && ARRAY[${sql.join(o.anyService.map((s) => sql`${s}`), sql`, `)}]::text[]` : sql`AND false`);
  return sql.join(parts, sql` `);
}

type Row = {
  month: string;
  severity: Severity | null;
  n: number;
  tta: number | null;
  tta_median: number | null;
  ttm: number | null;
  ttm_median: number | null;
  ttr: number | null;
  ttr_median: number | null;
};

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toMetrics(month: string, r: Row | undefined): MonthMetrics {
  return {
    month,
    incidents: r?.n ?? 0,
    acknowledge: { mean: num(r?.tta ?? null), median: num(r?.tta_median ?? null) },
    mitigate: { mean: num(r?.ttm ?? null), median: num(r?.ttm_median ?? null) },
    resolve: { mean: num(r?.ttr ?? null), median: num(r?.ttr_median ?? null) },
  };
}

export async function incidentMetrics(db: Database, options: IncidentMetricsOptions): Promise<IncidentMetrics> {
  const count = Math.min(Math.max(Math.trunc(options.months ?? 12), 1), MAX_METRIC_MONTHS);
  const from = monthStart(options.now, count - 1);
  const until = monthStart(options.now, -1);
  const months = Array.from({ length: count }, (_, i) => monthStart(options.now, count - 1 - i).toISOString().slice(0, 7));
  const { rows } = await db.execute<Row>(sql`
    WITH d AS (
      SELECT to_char(date_trunc('month', declared_at, 'UTC'), 'YYYY-MM') AS month, severity,
        extract(epoch FROM acknowledged_at - declared_at) AS tta,
        extract(epoch FROM mitigated_at - declared_at) AS ttm,
        extract(epoch FROM resolved_at - declared_at) AS ttr
      FROM incidents
      WHERE declared_at >= ${from.toISOString()}::timestamptz AND declared_at < ${until.toISOString()}::timestamptz ${filters(options)}
    )
    SELECT month, severity, count(*)::int AS n,
      avg(tta)::float8 AS tta, percentile_cont(0.5) WITHIN GROUP (ORDER BY tta)::float8 AS tta_median,
      avg(ttm)::float8 AS ttm, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttm)::float8 AS ttm_median,
      avg(ttr)::float8 AS ttr, percentile_cont(0.5) WITHIN GROUP (ORDER BY ttr)::float8 AS ttr_median
    FROM d GROUP BY GROUPING SETS ((month), (month, severity))
    ORDER BY month, severity NULLS FIRST`);
  const find = (month: string, severity: Severity | null) => rows.find((r) => r.month === month && r.severity === severity);
  return {
    months,
    total: months.map((m) => toMetrics(m, find(m, null))),
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, months.map((m) => toMetrics(m, find(m, s)))])) as Record<Severity, MonthMetrics[]>,
  };
}
