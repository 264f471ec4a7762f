// The incident metrics page, "are we getting better": incidents declared per month and the mean
// and median time to acknowledge, mitigate and resolve, narrowed by team (the services it owns in
// the policy), service and severity. Every chart has a table of the same numbers beside it whose
// months link to exactly those incidents on the incident list (drill-down without JavaScript).

import { incidentMetrics, MAX_METRIC_MONTHS, monthBounds, type DurationStats, type IncidentMetrics, type MonthMetrics } from '../../db/queries/dashboard-metrics.js';
import { isSeverity, SEVERITIES, type Severity } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { barChart, lineChart, shortDuration } from '../render/charts.js';
import { html, query, type SafeHtml } from '../render/html.js';
import { options, page, seconds } from '../render/layout.js';
import type { PageContext, PageResult } from './context.js';

/** Where the page lives: `/metrics` is the server's Prometheus endpoint (DESIGN.md §3). */
export const METRICS_PATH = '/incident-metrics';

export interface MetricsFilter {
  team?: string;
  service?: string;
  severity?: Severity;
  months: number;
}

type Parsed = { ok: true; filter: MetricsFilter } | { ok: false; filter: MetricsFilter; message: string };

function known(kind: string, value: string, valid: readonly string[]): string {
  return `No ${kind} named “${value}”; ${kind === 'severity' ? 'severities' : `${kind}s`}: ${valid.join(', ') || 'none in the policy'}.`;
}

/** Unknown names are refused (400) rather than dropped: a chart silently showing everything misleads. */
export function parseMetricsFilter(params: URLSearchParams, policy: Policy): Parsed {
  const months = Number(params.get('months') || 12);
  const filter: MetricsFilter = { months: Number.isInteger(months) ? Math.min(Math.max(months, 1), MAX_METRIC_MONTHS) : 12 };
  const teams = Object.keys(policy.teams).sort();
  const services = Object.keys(policy.services).sort();
  const [team, service, severity] = ['team', 'service', 'severity'].map((k) => params.get(k)?.trim() || undefined);
  if (team !== undefined && !teams.includes(team)) return { ok: false, filter, message: known('team', team, teams) };
  if (service !== undefined && !services.includes(service)) return { ok: false, filter, message: known('service', service, services) };
  if (severity !== undefined && !isSeverity(severity)) return { ok: false, filter, message: known('severity', severity, SEVERITIES) };
  return { ok: true, filter: { ...filter, team, service, severity: severity as Severity | undefined } };
}

/** The services a team owns; an incident belongs to a team through its services. */
export function teamServices(policy: Policy, team: string): string[] {
  return Object.entries(policy.services)
    .filter(([, s]) => s.owners.includes(team))
    .map(([name]) => name)
    .sort();
}

function drillDown(filter: MetricsFilter, month: string, severity = filter.severity): string {
  const { from, to } = monthBounds(month);
  return `/incidents${query({ from, to, severity, service: filter.service, team: filter.team })}`;
}

function scope(filter: MetricsFilter): string {
  const parts = [filter.team && `team ${filter.team}`, filter.service && `service ${filter.service}`, filter.severity].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all incidents';
}

interface Column {
  label: string;
  cell: (m: MonthMetrics, i: number) => string | SafeHtml;
}

/** One row per month, the month linking to its incidents; every cell labelled for narrow screens. */
function monthTable(id: string, caption: string, filter: MetricsFilter, rows: MonthMetrics[], columns: Column[]): SafeHtml {
  return html`<table id="${id}-table" class="metrics-table"><caption>${caption}</caption>
<thead><tr><th scope="col">Month</th>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
<tbody>${rows.map(
    (m, i) => html`<tr data-month="${m.month}"><td data-label="Month"><a href="${drillDown(filter, m.month)}">${m.month}</a></td>${columns.map((c) => html`<td data-label="${c.label}">${c.cell(m, i)}</td>`)}</tr>`,
  )}</tbody></table>`;
}

const STAGES = [
  { key: 'acknowledge', noun: 'acknowledgement' },
  { key: 'mitigate', noun: 'mitigation' },
  { key: 'resolve', noun: 'resolution' },
] as const;

function volumeChart(metrics: IncidentMetrics, filter: MetricsFilter): SafeHtml {
  const title = `Incidents declared per month (${scope(filter)})`;
  return barChart({
    id: 'volume',
    title,
    description: 'One bar per month: the number of incidents declared that month (UTC), labelled with its count.',
    xLabels: metrics.months,
    yLabel: 'incidents',
    series: [{ name: 'incidents', values: metrics.total.map((m) => m.incidents) }],
    table: monthTable('volume', title, filter, metrics.total, [{ label: 'Incidents', cell: (m) => String(m.incidents) }]),
  });
}

function responseChart(metrics: IncidentMetrics, filter: MetricsFilter): SafeHtml {
  const title = `Time to acknowledge, mitigate and resolve per month (${scope(filter)})`;
  const stat = (s: DurationStats) => (s.mean === null ? '—' : html`${seconds(s.mean)} <span class="muted">(median ${seconds(s.median)})</span>`);
  return lineChart({
    id: 'response-times',
    title,
    description: 'Mean time from declaration to acknowledgement, mitigation and resolution of the incidents declared each month; one line each. The table adds the medians.',
    xLabels: metrics.months,
    yLabel: 'mean time',
    format: shortDuration,
    series: STAGES.map((s) => ({ name: `to ${s.key}`, values: metrics.total.map((m) => m[s.key].mean) })),
    table: monthTable('response-times', `${title}: mean (median)`, filter, metrics.total, [
      { label: 'Incidents', cell: (m) => String(m.incidents) },
      ...STAGES.map((s) => ({ label: `To ${s.key}`, cell: (m: MonthMetrics) => stat(m[s.key]) })),
    ]),
  });
}

/** MTTA or MTTR with one line per severity; each cell links to that month's incidents of that severity. */
function bySeverityChart(metrics: IncidentMetrics, filter: MetricsFilter, stage: 'acknowledge' | 'resolve'): SafeHtml {
  const noun = STAGES.find((s) => s.key === stage)!.noun;
  const title = `Mean time to ${stage} per month, by severity (${scope(filter)})`;
  const severities = filter.severity ? [filter.severity] : [...SEVERITIES];
  const cell = (severity: Severity) => (_m: MonthMetrics, i: number) => {
    const point = metrics.bySeverity[severity][i]!;
    if (point.incidents === 0) return '—';
    return html`<a href="${drillDown(filter, point.month, severity)}">${point[stage].mean === null ? 'none yet' : seconds(point[stage].mean)}</a>`;
  };
  return lineChart({
    id: stage === 'acknowledge' ? 'mtta' : 'mttr',
    title,
    description: `Average time from declaration to ${noun} of the incidents declared each month; one line per severity.`,
    xLabels: metrics.months,
    yLabel: `time to ${stage}`,
    format: shortDuration,
    series: severities.map((s) => ({ name: s, values: metrics.bySeverity[s].map((m) => m[stage].mean) })),
    // Folded: on a phone twelve stacked months per chart make a long page, and the totals above carry the same months.
    table: html`<details><summary>Data and links</summary>${monthTable(stage === 'acknowledge' ? 'mtta' : 'mttr', title, filter, metrics.total, severities.map((s) => ({ label: s, cell: cell(s) })))}</details>`,
  });
}

function filterForm(ctx: PageContext, filter: MetricsFilter): SafeHtml {
  return html`<form class="filters" method="get" action="${METRICS_PATH}">
  <label>Team <select name="team">${options(Object.keys(ctx.policy.teams).sort(), filter.team, 'all teams')}</select></label>
  <label>Service <select name="service">${options(Object.keys(ctx.policy.services).sort(), filter.service, 'all services')}</select></label>
  <label>Severity <select name="severity">${options(SEVERITIES, filter.severity, 'all severities')}</select></label>
  <label>Months <input type="number" name="months" min="1" max="${MAX_METRIC_MONTHS}" value="${filter.months}"></label>
  <button type="submit">Show</button> <a href="${METRICS_PATH}">Clear</a>
</form>`;
}

export async function metricsPage(ctx: PageContext): Promise<PageResult> {
  const parsed = parseMetricsFilter(ctx.url.searchParams, ctx.policy);
  const { filter } = parsed;
  const shell = (status: number, content: SafeHtml): PageResult => ({
    status,
    html: page({ title: 'Incident metrics', session: ctx.session, active: 'metrics' }, html`<h1>Incident metrics</h1>${filterForm(ctx, filter)}${content}`),
  });
  if (!parsed.ok) return shell(400, html`<p class="error" role="alert">${parsed.message}</p>`);
  const metrics = await incidentMetrics(ctx.deps.db, {
    now: ctx.now,
    months: filter.months,
    severity: filter.severity,
    service: filter.service,
    anyService: filter.team ? teamServices(ctx.policy, filter.team) : undefined,
    includePrivate: ctx.policy.privateIncidents?.includeInMetrics === true,
  });
  const note = filter.team ? html`<p class="muted">Team ${filter.team} owns ${teamServices(ctx.policy, filter.team).join(', ') || 'no services'}; its incidents are those touching them.</p>` : '';
  return shell(
    200,
    html`${note}<p class="muted">Incidents count in the UTC month they were declared. Select a month to see its incidents.</p>
<h2>Volume</h2>${volumeChart(metrics, filter)}
<h2>Response times</h2>${responseChart(metrics, filter)}${bySeverityChart(metrics, filter, 'acknowledge')}${bySeverityChart(metrics, filter, 'resolve')}`,
  );
}
