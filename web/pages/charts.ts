// `/charts`: action items opened vs closed per period, and the number overdue at the end of each
// period. `?team=` narrows them to one team: a policy team or a team items were filed under; an
// unknown name is refused (400) rather than silently showing every team. Incident response times
// live on the incident metrics page.

import { actionBoardFacets, chartSeries } from '../../db/queries/dashboard.js';
import { barChart, lineChart } from '../render/charts.js';
import { html, type SafeHtml } from '../render/html.js';
import { options, page } from '../render/layout.js';
import type { PageContext, PageResult } from './context.js';

function bounded(params: URLSearchParams, key: string, fallback: number, max: number): number {
  const n = Number(params.get(key));
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

export async function chartsPage(ctx: PageContext): Promise<PageResult> {
  const params = ctx.url.searchParams;
  const period = params.get('period') === 'month' ? 'month' : 'week';
  const periods = bounded(params, 'periods', 12, 52);
  const facets = await actionBoardFacets(ctx.deps.db);
  const teams = [...new Set([...Object.keys(ctx.policy.teams), ...facets.teams])].sort();
  const asked = params.get('team')?.trim() || undefined;
  const team = teams.find((t) => t === asked);
  const form = filterForm(teams, team, period, periods);
  if (asked !== undefined && team === undefined) {
    const refusal = html`<h1>Action-item charts</h1>${form}<p class="error" role="alert">No team named “${asked}”; teams: ${teams.join(', ') || 'none yet'}.</p>`;
    return { status: 400, html: page({ title: 'Action-item charts', session: ctx.session, active: 'charts' }, refusal) };
  }
  const includePrivate = ctx.policy.privateIncidents?.includeInMetrics === true;
  const series = await chartSeries(ctx.deps.db, { now: ctx.now, months: 1, periods, period, team, includePrivate });
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
  const body = html`<h1>Action-item charts</h1>
${form}
<p class="muted">Incident volume and response times are on <a href="/incident-metrics${team && ctx.policy.teams[team] ? `?team=${encodeURIComponent(team)}` : ''}">Incident metrics</a>.</p>
${flow}${overdue}`;
  return { status: 200, html: page({ title: 'Action-item charts', session: ctx.session, active: 'charts' }, body) };
}

function filterForm(teams: string[], team: string | undefined, period: 'week' | 'month', periods: number): SafeHtml {
  return html`<form class="filters" method="get" action="/charts">
  <label>Team <select name="team">${options(teams, team, 'all teams')}</select></label>
  <label>Per <select name="period"><option value="week"${period === 'week' ? html` selected` : ''}>week</option><option value="month"${period === 'month' ? html` selected` : ''}>month</option></select></label>
  <label>Periods <input type="number" name="periods" min="1" max="52" value="${periods}"></label>
  <button type="submit">Show</button>
</form>`;
}
