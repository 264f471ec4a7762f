// `/charts`: MTTA and MTTR per month by severity, action items opened vs closed per period, and the
// number overdue at the end of each period. `?team=` narrows the action-item charts to one team.

import { actionBoardFacets, chartSeries, type ChartSeries } from '../../db/queries/dashboard.js';
import { SEVERITIES } from '../../domain/incident.js';
import { barChart, lineChart, shortDuration } from '../render/charts.js';
import { html, type SafeHtml } from '../render/html.js';
import { options, page } from '../render/layout.js';
import type { PageContext, PageResult } from './context.js';

function bounded(params: URLSearchParams, key: string, fallback: number, max: number): number {
  const n = Number(params.get(key));
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

function responseChart(series: ChartSeries, metric: 'mttaSeconds' | 'mttrSeconds'): SafeHtml {
  const name = metric === 'mttaSeconds' ? 'acknowledge' : 'resolve';
  return lineChart({
    id: metric === 'mttaSeconds' ? 'mtta' : 'mttr',
    title: `Mean time to ${name} per month, by severity`,
    description: `Average time from declaration to ${name === 'acknowledge' ? 'acknowledgement' : 'resolution'} of the incidents declared each month; one line per severity.`,
    xLabels: series.months,
    yLabel: `time to ${name}`,
    format: shortDuration,
    series: SEVERITIES.map((sev) => ({
      name: sev,
      values: series.months.map((m) => series.responseTimes.find((p) => p.month === m && p.severity === sev)?.[metric] ?? null),
    })),
  });
}

export async function chartsPage(ctx: PageContext): Promise<PageResult> {
  const params = ctx.url.searchParams;
  const period = params.get('period') === 'month' ? 'month' : 'week';
  const periods = bounded(params, 'periods', 12, 52);
  const months = bounded(params, 'months', 12, 36);
  const facets = await actionBoardFacets(ctx.deps.db);
  const team = facets.teams.find((t) => t === params.get('team'));
  const includePrivate = ctx.policy.privateIncidents?.includeInMetrics === true;
  const series = await chartSeries(ctx.deps.db, { now: ctx.now, months, periods, period, team, includePrivate });
  const labels = series.actionFlow.map((p) => (period === 'month' ? p.period.slice(0, 7) : p.period.slice(5)));
  const scope = team ? `team ${team}` : 'all teams';
  const flow = barChart({
    id: 'action-flow',
    title: `Action items opened vs closed per ${period} (${scope})`,
    description: `Bars per ${period}: items opened (solid) and items closed (hatched), each labelled with its count.`,
    xLabels: labels,
    yLabel: 'action items',
    series: [
      { name: 'opened', values: series.actionFlow.map((p) => p.opened) },
      { name: 'closed', values: series.actionFlow.map((p) => p.closed) },
    ],
  });
  const overdue = lineChart({
    id: 'overdue',
    title: `Overdue action items at the end of each ${period} (${scope})`,
    description: `Open action items past their due date at the end of each ${period}.`,
    xLabels: labels,
    yLabel: 'overdue items',
    series: [{ name: 'overdue', values: series.actionFlow.map((p) => p.overdue) }],
  });
  const body = html`<h1>Charts</h1>
<form class="filters" method="get" action="/charts">
  <label>Team <select name="team">${options(facets.teams, team, 'all teams')}</select></label>
  <label>Per <select name="period"><option value="week"${period === 'week' ? html` selected` : ''}>week</option><option value="month"${period === 'month' ? html` selected` : ''}>month</option></select></label>
  <label>Periods <input type="number" name="periods" min="1" max="52" value="${periods}"></label>
  <button type="submit">Show</button>
</form>
${responseChart(series, 'mttaSeconds')}${responseChart(series, 'mttrSeconds')}${flow}${overdue}`;
  return { status: 200, html: page({ title: 'Charts', session: ctx.session, active: 'charts' }, body) };
}
