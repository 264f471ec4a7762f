// `/`: what is on fire right now. Open incidents by severity (worst first) with their age, phase
// and commander; access requests waiting for approval; live sandboxes and the time left to their
// TTL; overdue action items counted per team. Private incidents appear only to their members.

import { dashboardOverview, type LiveSandbox, type OpenIncident, type PendingGrant, type TeamOverdue } from '../../db/queries/dashboard-overview.js';
import { SEVERITIES } from '../../domain/incident.js';
import { html, query, type SafeHtml } from '../render/html.js';
import { between, dateTime, page, personName } from '../render/layout.js';
import type { PageContext, PageResult } from './context.js';
import { visiblePrivateKeys } from './privacy.js';

const NONE = html`<p class="muted">None.</p>`;

/** The header row; each body cell repeats its column name in `data-label` for the narrow layout. */
function headers(columns: readonly string[]): SafeHtml {
  return html`<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`;
}

function incidentLink(key: string, isPrivate = false): SafeHtml {
  return html`<a href="/incidents/${key}">${key}</a>${isPrivate ? html` <span class="muted">private</span>` : ''}`;
}

function openIncidents(ctx: PageContext, rows: OpenIncident[]): SafeHtml {
  if (rows.length === 0) return NONE;
  const columns = ['Incident', 'Title', 'Age', 'Phase', 'Commander'] as const;
  return html`${SEVERITIES.map((severity) => {
    const group = rows.filter((r) => r.severity === severity);
    if (group.length === 0) return '';
    return html`<h3 id="open-${severity}">${severity} <span class="muted">(${group.length})</span></h3>
<table class="open-incidents" data-severity="${severity}"><caption>Open ${severity} incidents, longest burning first</caption>${headers(columns)}<tbody>${group.map(
      (r) => html`<tr data-key="${r.key}"><td data-label="${columns[0]}">${incidentLink(r.key, r.private)}</td><td data-label="${columns[1]}">${ctx.redact(r.title)}</td>
<td data-label="${columns[2]}" title="declared ${dateTime(r.declaredAt)}">${between(r.declaredAt, ctx.now)}</td><td data-label="${columns[3]}">${r.phase}</td><td data-label="${columns[4]}">${personName(ctx.policy, r.commander)}</td></tr>`,
    )}</tbody></table>`;
  })}`;
}

function pendingGrants(ctx: PageContext, rows: PendingGrant[]): SafeHtml {
  if (rows.length === 0) return NONE;
  const columns = ['Request', 'Incident', 'Requester', 'Capabilities', 'Waiting'] as const;
  return html`<table id="pending-grants"><caption>Access requests awaiting approval, oldest first</caption>${headers(columns)}<tbody>${rows.map(
    (r) => html`<tr data-key="${r.key}"><td data-label="${columns[0]}">${r.key}</td><td data-label="${columns[1]}">${incidentLink(r.incidentKey)}</td><td data-label="${columns[2]}">${personName(ctx.policy, r.requester)}</td>
<td data-label="${columns[3]}">${r.capabilities.join(', ')}</td><td data-label="${columns[4]}">${between(r.requestedAt, ctx.now)}</td></tr>`,
  )}</tbody></table>`;
}

function timeLeft(ctx: PageContext, box: LiveSandbox): string {
  if (!box.expiresAt) return box.status === 'provisioning' ? 'not ready yet' : '—';
  return box.expiresAt.getTime() <= ctx.now.getTime() ? 'expired, tearing down' : between(ctx.now, box.expiresAt);
}

function liveSandboxes(ctx: PageContext, rows: LiveSandbox[]): SafeHtml {
  if (rows.length === 0) return NONE;
  const columns = ['Sandbox', 'Incident', 'Requester', 'Status', 'Time left'] as const;
  return html`<table id="live-sandboxes"><caption>Live sandboxes, nearest to their TTL first</caption>${headers(columns)}<tbody>${rows.map(
    (r) => html`<tr data-key="${r.key}"><td data-label="${columns[0]}">${r.key}</td><td data-label="${columns[1]}">${incidentLink(r.incidentKey)}</td><td data-label="${columns[2]}">${personName(ctx.policy, r.requester)}</td>
<td data-label="${columns[3]}">${r.status}</td><td data-label="${columns[4]}" title="${r.expiresAt ? `expires ${dateTime(r.expiresAt)}` : ''}">${timeLeft(ctx, r)}</td></tr>`,
  )}</tbody></table>`;
}

function overdueByTeam(rows: TeamOverdue[]): SafeHtml {
  if (rows.length === 0) return NONE;
  const columns = ['Team', 'Overdue items'] as const;
  return html`<table id="overdue-by-team"><caption>Overdue action items per team, most first</caption>${headers(columns)}<tbody>${rows.map((r) => {
    const link = `/actions${query({ team: r.team ?? undefined, overdue: '1' })}`;
    return html`<tr data-team="${r.team ?? ''}"><td data-label="${columns[0]}">${r.team ?? html`<span class="muted">no team</span>`}</td><td data-label="${columns[1]}"><a href="${link}">${r.overdue}</a></td></tr>`;
  })}</tbody></table>`;
}

export async function overviewPage(ctx: PageContext): Promise<PageResult> {
  const overview = await dashboardOverview(ctx.deps.db, { now: ctx.now, visiblePrivate: await visiblePrivateKeys(ctx) });
  const body = html`<h1>Overview</h1>
<p class="muted">As of ${dateTime(ctx.now)}.</p>
<section id="open-incidents" aria-labelledby="open-incidents-h"><h2 id="open-incidents-h">Open incidents</h2>${openIncidents(ctx, overview.incidents)}</section>
<section id="pending-access" aria-labelledby="pending-access-h"><h2 id="pending-access-h">Access requests awaiting approval</h2>${pendingGrants(ctx, overview.grants)}</section>
<section id="sandboxes" aria-labelledby="sandboxes-h"><h2 id="sandboxes-h">Live sandboxes</h2>${liveSandboxes(ctx, overview.sandboxes)}</section>
<section id="overdue" aria-labelledby="overdue-h"><h2 id="overdue-h">Overdue action items by team</h2>${overdueByTeam(overview.overdueByTeam)}</section>`;
  return { status: 200, html: page({ title: 'Overview', session: ctx.session, active: 'overview' }, body) };
}
