// `/incidents`: incidents, newest first, filtered by severity, service, phase and declaration date.

import { listIncidents } from '../../db/queries/dashboard.js';
import { PHASES, SEVERITIES } from '../../domain/incident.js';
import { parseIncidentQuery } from '../render/filters.js';
import { html, query } from '../render/html.js';
import { between, dateTime, options, page, personName } from '../render/layout.js';
import type { PageContext, PageResult } from './context.js';
import { visiblePrivateKeys } from './privacy.js';

export async function incidentsPage(ctx: PageContext): Promise<PageResult> {
  const { query: q, filter } = parseIncidentQuery(ctx.url.searchParams);
  const { rows, more } = await listIncidents(ctx.deps.db, { ...filter, visiblePrivate: await visiblePrivateKeys(ctx) });
  const services = Object.keys(ctx.policy.services).sort();
  const keep = { severity: q.severity, service: q.service, phase: q.phase, from: q.from, to: q.to };
  const body = html`<h1>Incidents</h1>
<form class="filters" method="get" action="/incidents">
  <label>Severity <select name="severity">${options(SEVERITIES, q.severity)}</select></label>
  <label>Service <select name="service">${options(services, q.service)}</select></label>
  <label>Phase <select name="phase">${options(PHASES, q.phase)}</select></label>
  <label>Declared from <input type="date" name="from" value="${q.from ?? ''}"></label>
  <label>to <input type="date" name="to" value="${q.to ?? ''}"></label>
  <button type="submit">Filter</button> <a href="/incidents">Clear</a>
</form>
${
  rows.length === 0
    ? html`<p class="muted">No incidents match these filters.</p>`
    : html`<table id="incidents"><thead><tr><th scope="col">Incident</th><th scope="col">Severity</th><th scope="col">Phase</th><th scope="col">Title</th><th scope="col">Services</th><th scope="col">Commander</th><th scope="col">Declared</th><th scope="col">Acknowledged in</th><th scope="col">Resolved in</th></tr></thead>
<tbody>${rows.map(
        (i) => html`<tr data-key="${i.key}"><td><a href="/incidents/${i.key}">${i.key}</a>${i.private ? html` <span class="muted">private</span>` : ''}</td><td>${i.severity}</td><td>${i.phase}</td><td>${ctx.redact(i.title)}</td>
<td>${i.services.join(', ') || '—'}</td><td>${personName(ctx.policy, i.roles.commander)}</td><td>${dateTime(i.declaredAt)}</td><td>${between(i.declaredAt, i.acknowledgedAt)}</td><td>${between(i.declaredAt, i.resolvedAt)}</td></tr>`,
      )}</tbody></table>`
}
<nav class="pager" aria-label="Pages">${q.page > 1 ? html`<a href="/incidents${query({ ...keep, page: q.page - 1 })}">← Newer</a>` : ''}${more ? html`<a href="/incidents${query({ ...keep, page: q.page + 1 })}">Older →</a>` : ''}</nav>`;
  return { status: 200, html: page({ title: 'Incidents', session: ctx.session, active: 'incidents' }, body) };
}
