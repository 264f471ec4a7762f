// `/incidents`: incidents, newest first or by a chosen column, filtered by a search text, a team's
// services, severity, service, phase and declaration date.

import { listIncidents, type IncidentSort } from '../../db/queries/dashboard.js';
import { PHASES, SEVERITIES } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { incidentQueryParams, MAX_SEARCH_LENGTH, parseIncidentQuery } from '../render/filters.js';
import { html, query, type SafeHtml } from '../render/html.js';
import { between, dateTime, options, page, personName } from '../render/layout.js';
import { sortHeader, sortParams, type SortState } from '../render/sort-header.js';
import type { PageContext, PageResult } from './context.js';
import { visiblePrivateKeys } from './privacy.js';

/** The services the policy says a team owns, or undefined when the policy has no such team. */
function servicesOfTeam(policy: Policy, team: string): string[] | undefined {
  if (!Object.hasOwn(policy.teams, team)) return undefined;
  return Object.entries(policy.services)
    .filter(([, service]) => service.owners.includes(team))
    .map(([name]) => name);
}

export async function incidentsPage(ctx: PageContext): Promise<PageResult> {
  const { query: q, filter } = parseIncidentQuery(ctx.url.searchParams);
  const teams = Object.keys(ctx.policy.teams).sort();
  const teamServices = q.team === undefined ? undefined : servicesOfTeam(ctx.policy, q.team);
  const unknownTeam = q.team !== undefined && teamServices === undefined;
  const { rows, more } = unknownTeam
    ? { rows: [], more: false }
    : await listIncidents(ctx.deps.db, { ...filter, anyService: teamServices, visiblePrivate: await visiblePrivateKeys(ctx) });
  const services = Object.keys(ctx.policy.services).sort();
  const keep = incidentQueryParams(q);
  const sorting: SortState<IncidentSort> = { path: '/incidents', keep, sort: q.sort, dir: q.dir, defaultSort: 'declared', defaultDir: 'desc' };
  const th = (column: IncidentSort, label: string) => sortHeader(sorting, column, label);
  const pager = { ...keep, ...sortParams(sorting) };
  const body = html`<h1>Incidents</h1>
<form class="filters" method="get" action="/incidents" role="search">
  <label class="search">Search <input type="search" name="q" value="${q.q ?? ''}" maxlength="${MAX_SEARCH_LENGTH}" placeholder="title, INC-12 or service"></label>
  <label>Team <select name="team">${options(teams, q.team)}</select></label>
  <label>Severity <select name="severity">${options(SEVERITIES, q.severity)}</select></label>
  <label>Service <select name="service">${options(services, q.service)}</select></label>
  <label>Phase <select name="phase">${options(PHASES, q.phase)}</select></label>
  <label>Declared from <input type="date" name="from" value="${q.from ?? ''}"></label>
  <label>to <input type="date" name="to" value="${q.to ?? ''}"></label>
  ${q.sort ? html`<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.dir ?? 'asc'}">` : ''}
  <button type="submit">Filter</button> <a href="/incidents">Clear</a>
</form>
${unknownTeam ? html`<p class="error" role="alert">There is no team “${q.team ?? ''}” in the policy; pick one of: ${teams.join(', ')}.</p>` : ''}
${
  rows.length === 0
    ? unknownTeam
      ? ''
      : html`<p class="muted">No incidents match these filters.</p>`
    : html`<table id="incidents"><thead><tr>${th('incident', 'Incident')}${th('severity', 'Severity')}${th('phase', 'Phase')}${th('title', 'Title')}${th('services', 'Services')}<th scope="col">Commander</th>${th('declared', 'Declared')}${th('acknowledged', 'Acknowledged in')}${th('resolved', 'Resolved in')}</tr></thead>
<tbody>${rows.map(
        (i) => html`<tr data-key="${i.key}"><td data-label="Incident"><a href="/incidents/${i.key}">${i.key}</a>${i.private ? html` <span class="muted">private</span>` : ''}</td><td data-label="Severity">${i.severity}</td><td data-label="Phase">${i.phase}</td><td data-label="Title">${ctx.redact(i.title)}</td>
<td data-label="Services">${i.services.join(', ') || '—'}</td><td data-label="Commander">${personName(ctx.policy, i.roles.commander)}</td><td data-label="Declared">${dateTime(i.declaredAt)}</td><td data-label="Acknowledged in">${between(i.declaredAt, i.acknowledgedAt)}</td><td data-label="Resolved in">${between(i.declaredAt, i.resolvedAt)}</td></tr>`,
      )}</tbody></table>`
}
${pagerLinks(q.page, more, pager)}`;
  return { status: unknownTeam ? 400 : 200, html: page({ title: 'Incidents', session: ctx.session, active: 'incidents' }, body) };
}

function pagerLinks(current: number, more: boolean, keep: Record<string, string | undefined>): SafeHtml {
  return html`<nav class="pager" aria-label="Pages">${current > 1 ? html`<a href="/incidents${query({ ...keep, page: current - 1 })}">← Previous</a>` : ''}${more ? html`<a href="/incidents${query({ ...keep, page: current + 1 })}">Next →</a>` : ''}</nav>`;
}
