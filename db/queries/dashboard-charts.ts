// Series for the dashboard's charts: response times per month and severity, action items opened
// and closed per period, and how many were overdue at the end of each period. Periods are UTC and
// come from generate_series, so a quiet period is a zero rather than a gap.

import { sql } from 'drizzle-orm';
import type { Severity } from '../../domain/incident.js';
import type { Database } from '../client.js';

export interface ChartOptions {
  now: Date;
  /** Months of incident response times, the current one included. */
  months?: number;
  /** Periods of action-item flow and overdue counts, the current one included. */
  periods?: number;
  period?: 'week' | 'month';
  /** Only this team's action items. */
  team?: string;
  /** Count private incidents (and their action items) too: `privateIncidents.includeInMetrics`. */
  includePrivate?: boolean;
}

export interface ResponseTimePoint {
  /** `YYYY-MM`. */
  month: string;
  severity: Severity;
  incidents: number;
  /** Mean seconds from declaration to acknowledgement, of the incidents acknowledged. */
  mttaSeconds: number | null;
  /** Mean seconds from declaration to resolution, of the incidents resolved. */
  mttrSeconds: number | null;
}

export interface ActionFlowPoint {
  /** First day of the period, `YYYY-MM-DD`. */
  period: string;
  opened: number;
  closed: number;
  /** Open and past due at the end of the period (or now, for the current one). */
  overdue: number;
}

export interface ChartSeries {
  months: string[];
  responseTimes: ResponseTimePoint[];
  period: 'week' | 'month';
  actionFlow: ActionFlowPoint[];
}

function monthsBack(now: Date, count: number): string[] {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

export async function chartSeries(db: Database, options: ChartOptions): Promise<ChartSeries> {
  const { now } = options;
  const months = monthsBack(now, Math.min(Math.max(options.months ?? 12, 1), 36));
  const period = options.period ?? 'week';
  const periods = Math.min(Math.max(options.periods ?? 12, 1), 52);
  const nowIso = now.toISOString();
  const monthStart = `${months[0]}-01T00:00:00Z`;
  const team = options.team ? sql`AND a.team = ${options.team}` : sql``;
  const step = `1 ${period}`;
  const publicIncidents = options.includePrivate ? sql`` : sql`AND NOT private`;
  const publicItems = options.includePrivate ? sql`` : sql`AND NOT EXISTS (SELECT 1 FROM incidents pi WHERE pi.key = a.incident_key AND pi.private)`;

  const [times, flow] = await Promise.all([
    db.execute<{ month: string; severity: Severity; n: number; mtta: number | null; mttr: number | null }>(sql`
      SELECT to_char(date_trunc('month', declared_at, 'UTC'), 'YYYY-MM') AS month, severity, count(*)::int AS n,
        avg(extract(epoch FROM acknowledged_at - declared_at))::float8 AS mtta,
        avg(extract(epoch FROM resolved_at - declared_at))::float8 AS mttr
      FROM incidents
      WHERE declared_at >= ${monthStart}::timestamptz AND declared_at <= ${nowIso}::timestamptz ${publicIncidents}
      GROUP BY 1, 2 ORDER BY 1, 2`),
    db.execute<{ period: string; opened: number; closed: number; overdue: number }>(sql`
      WITH p AS (
        SELECT s AS start, least(s + ${step}::interval, ${nowIso}::timestamptz) AS stop
        FROM generate_series(
          date_trunc(${period}, ${nowIso}::timestamptz, 'UTC') - (${periods - 1} * ${step}::interval),
          date_trunc(${period}, ${nowIso}::timestamptz, 'UTC'),
          ${step}::interval) AS s
      )
      SELECT to_char(p.start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS period,
        (SELECT count(*) FROM action_items a WHERE a.created_at >= p.start AND a.created_at < p.stop ${team} ${publicItems})::int AS opened,
        (SELECT count(*) FROM action_items a WHERE a.done_at >= p.start AND a.done_at < p.stop ${team} ${publicItems})::int AS closed,
        (SELECT count(*) FROM action_items a
          WHERE a.created_at < p.stop AND a.due_date < (p.stop AT TIME ZONE 'UTC')::date
            AND (a.status = 'open' OR a.done_at >= p.stop) ${team} ${publicItems})::int AS overdue
      FROM p ORDER BY p.start`),
  ]);
  return {
    months,
    responseTimes: times.rows.map((r) => ({
      month: r.month,
      severity: r.severity,
      incidents: r.n,
      mttaSeconds: r.mtta === null ? null : Number(r.mtta),
      mttrSeconds: r.mttr === null ? null : Number(r.mttr),
    })),
    period,
    actionFlow: flow.rows.map((r) => ({ period: r.period, opened: r.opened, closed: r.closed, overdue: r.overdue })),
  };
}
