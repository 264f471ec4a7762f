// `/incidents/INC-N`: one incident with its timeline, grants, sandboxes, flag rollbacks,
// postmortem and action items; and, when the service wires it, a form to add an action item.

import { incidentDetail, utcDate, type IncidentDetail } from '../../db/queries/dashboard.js';
import { incidentLinkRows } from '../../db/queries/dashboard-incident.js';
import { rolesToShow } from '../../domain/incident-roles.js';
import { requiredRoles } from '../../domain/policy/roles-rules.js';
import { ACTION_PRIORITIES } from '../../domain/postmortem.js';
import { html, type SafeHtml } from '../render/html.js';
import { between, dateTime, page, personName, seconds } from '../render/layout.js';
import { personNameOf } from '../render/person-handle.js';
import { timelineLabel } from '../render/timeline-labels.js';
import { actionTable } from './action-table.js';
import { linksLine, outsideLinks } from './incident-links.js';
import { tasksSection } from './tasks.js';
import type { PageContext, PageResult } from './context.js';
import { auditRead, mayRead } from './privacy.js';

export interface ActionFormState {
  error?: string;
  added?: string;
  values?: Record<string, string>;
}

function section(title: string, count: number, body: SafeHtml): SafeHtml {
  return html`<section><h2>${title}</h2>${count === 0 ? html`<p class="muted">None.</p>` : body}</section>`;
}

/** A milestone's time and how long after the declaration it came, or "not yet". */
function milestone(declared: Date, at: Date | null): string {
  return at ? `${dateTime(at)} (${between(declared, at)})` : 'not yet';
}

function facts(ctx: PageContext, d: IncidentDetail): SafeHtml {
  const i = d.incident;
  return html`<dl class="facts">
  <dt>Severity</dt><dd>${i.severity}</dd><dt>Phase</dt><dd>${i.phase}</dd>
  <dt>Services</dt><dd>${i.services.join(', ') || '—'}</dd>
  ${rolesToShow(i.roles, requiredRoles(ctx.policy, i.severity)).map((r) => html`<dt>${r.role[0]!.toUpperCase() + r.role.slice(1)}</dt><dd>${personName(ctx.policy, r.holder)}${r.required && !r.holder ? ' (required)' : ''}</dd>`)}
  <dt>Reported by</dt><dd>${personName(ctx.policy, i.reporter)}</dd>
  <dt>Declared</dt><dd>${dateTime(i.declaredAt)}</dd>
  <dt>Acknowledged</dt><dd>${milestone(i.declaredAt, i.acknowledgedAt)}</dd>
  <dt>Mitigated</dt><dd>${milestone(i.declaredAt, i.mitigatedAt)}</dd>
  <dt>Resolved</dt><dd>${milestone(i.declaredAt, i.resolvedAt)}</dd>
  <dt>Closed</dt><dd>${i.closedAt ? dateTime(i.closedAt) : 'not yet'}</dd></dl>`;
}

function timeline(ctx: PageContext, d: IncidentDetail): SafeHtml {
  return section(
    'Timeline',
    d.timeline.length,
    html`<table id="timeline"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">By</th><th scope="col">Details</th></tr></thead><tbody>${d.timeline.map(
      (e) =>
        html`<tr data-kind="${e.kind}"><td data-label="When">${dateTime(e.occurredAt)}</td><td data-label="What">${timelineLabel(e.kind, e.details)}</td><td data-label="By">${personName(ctx.policy, e.actor)}</td><td data-label="Details">${ctx.redact(e.text)}</td></tr>`,
    )}</tbody></table>`,
  );
}

function children(ctx: PageContext, d: IncidentDetail): SafeHtml {
  const grants = section(
    'Access grants',
    d.grants.length,
    html`<table id="grants"><thead><tr><th scope="col">Grant</th><th scope="col">Requested by</th><th scope="col">Capabilities</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Requested</th><th scope="col">Ended</th></tr></thead><tbody>${d.grants.map(
      (g) =>
        html`<tr><td data-label="Grant">${g.key}</td><td data-label="Requested by">${personName(ctx.policy, g.requester)}</td><td data-label="Capabilities">${g.capabilities.join(', ')}</td><td data-label="Status">${g.status.replace('_', ' ')}</td><td data-label="Reason">${ctx.redact(g.reason)}</td><td data-label="Requested">${dateTime(g.requestedAt)}</td><td data-label="Ended">${dateTime(g.endedAt)}${g.endReason ? html` (${ctx.redact(g.endReason)})` : ''}</td></tr>`,
    )}</tbody></table>`,
  );
  const boxes = section(
    'Sandboxes',
    d.sandboxes.length,
    html`<table id="sandboxes"><thead><tr><th scope="col">Sandbox</th><th scope="col">Requested by</th><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Requested</th><th scope="col">Expires</th><th scope="col">Ended</th></tr></thead><tbody>${d.sandboxes.map(
      (s) =>
        html`<tr><td data-label="Sandbox">${s.key}</td><td data-label="Requested by">${personName(ctx.policy, s.requester)}</td><td data-label="Source">${s.source}</td><td data-label="Status">${s.status.replace('_', ' ')}</td><td data-label="Requested">${dateTime(s.requestedAt)}</td><td data-label="Expires">${dateTime(s.expiresAt)}</td><td data-label="Ended">${dateTime(s.endedAt)}</td></tr>`,
    )}</tbody></table>`,
  );
  const flags = section(
    'Flag rollbacks',
    d.flags.length,
    html`<table id="flags"><thead><tr><th scope="col">Flag</th><th scope="col">Environment</th><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Requested by</th><th scope="col">Reason</th><th scope="col">Rolled back</th><th scope="col">Restored</th></tr></thead><tbody>${d.flags.map(
      (f) =>
        html`<tr><td data-label="Flag">${f.flag}</td><td data-label="Environment">${f.environment}</td><td data-label="Service">${f.service}</td><td data-label="Status">${f.status}</td><td data-label="Requested by">${personName(ctx.policy, f.requestedBy)}</td><td data-label="Reason">${ctx.redact(f.reason)}</td><td data-label="Rolled back">${dateTime(f.rolledBackAt)}</td><td data-label="Restored">${dateTime(f.restoredAt)}</td></tr>`,
    )}</tbody></table>`,
  );
  return html`${grants}${boxes}${flags}`;
}

function postmortem(ctx: PageContext, d: IncidentDetail): SafeHtml {
  const p = d.postmortem;
  if (!p) return html`<section><h2>Postmortem</h2><p class="muted">No postmortem.</p></section>`;
  const overdue = (p.status === 'draft' || p.status === 'in_review') && p.dueAt.getTime() < ctx.now.getTime();
  const link = p.documentUrl && /^https?:\/\//.test(p.documentUrl) ? html` · <a href="${p.documentUrl}" rel="noreferrer">document</a>` : '';
  return html`<section id="postmortem"><h2>Postmortem</h2><dl class="facts">
  <dt>Status</dt><dd>${p.status.replace('_', ' ')}${link}</dd><dt>Owner</dt><dd>${ctx.redact(personNameOf(ctx.policy, p.owner) ?? '—')}</dd><dt>Team</dt><dd>${p.team ?? '—'}</dd>
  <dt>Approver</dt><dd>${ctx.redact(personNameOf(ctx.policy, p.approver) ?? '—')}</dd>
  <dt>Due</dt><dd>${dateTime(p.dueAt)}${overdue ? html` <span class="badge overdue-badge">⚠ Overdue</span>` : ''}</dd>
  <dt>Time to acknowledge</dt><dd>${seconds(p.metrics.timeToAcknowledgeSeconds)}</dd><dt>Time to mitigate</dt><dd>${seconds(p.metrics.timeToMitigateSeconds)}</dd>
  <dt>Time to resolve</dt><dd>${seconds(p.metrics.timeToResolveSeconds)}</dd>${p.metrics.timeToDetectSeconds === undefined ? '' : html`<dt>Time to detect</dt><dd>${seconds(p.metrics.timeToDetectSeconds)}</dd>`}
  </dl></section>`;
}

function actionForm(ctx: PageContext, d: IncidentDetail, state: ActionFormState): SafeHtml {
  if (!ctx.deps.addActionItem || !d.postmortem || d.postmortem.status === 'closed') return html``;
  const people = [...new Set(Object.values(ctx.policy.teams).flatMap((t) => t.members.map((m) => m.name)))].sort();
  const v = state.values ?? {};
  // Required means chosen: no one is preselected, so the browser refuses a form nobody picked an owner in.
  const chosen = v.owner && people.includes(v.owner) ? v.owner : undefined;
  return html`<section id="new-action"><h2>New action item</h2>
${state.error ? html`<p class="error" role="alert">${state.error}</p>` : ''}${state.added ? html`<p role="status">Added ${state.added}.</p>` : ''}
<form class="filters" method="post" action="/incidents/${d.incident.key}/actions">
  <input type="hidden" name="csrf" value="${ctx.session.csrf}">
  <label>Action <input name="text" required maxlength="500" value="${v.text ?? ''}"></label>
  <label>Owner <select name="owner" required><option value=""${chosen ? '' : html` selected`} disabled>Pick an owner</option>${people.map((p) => html`<option${p === chosen ? html` selected` : ''}>${p}</option>`)}</select></label>
  <label>Due <input type="date" name="due" required value="${v.due ?? ''}"></label>
  <label>Priority <select name="priority">${ACTION_PRIORITIES.map((p) => html`<option${p === (v.priority ?? 'P2') ? html` selected` : ''}>${p}</option>`)}</select></label>
  <button type="submit">Add</button></form></section>`;
}

/** A non-member learns only that the incident exists and whom to ask. */
function privateNotice(ctx: PageContext, d: IncidentDetail): PageResult {
  const commander = d.incident.roles.commander;
  const ask = commander ? html`ask its commander, ${personName(ctx.policy, commander)}, to add you` : html`ask the person who declared it, ${personName(ctx.policy, d.incident.reporter)}, to add you`;
  const body = html`<p><a href="/incidents">← Incidents</a></p><h1>${d.incident.key} is private</h1><p id="private-notice">Only its members see it; ${ask} (\`invite @you\`).</p>`;
  return { status: 403, html: page({ title: d.incident.key, session: ctx.session }, body) };
}

export async function incidentPage(ctx: PageContext, key: string, state: ActionFormState = {}): Promise<PageResult | undefined> {
  const d = await incidentDetail(ctx.deps.db, key);
  if (!d) return undefined;
  const allowed = mayRead(ctx, d.incident);
  await auditRead(ctx, d.incident, allowed);
  if (!allowed) return privateNotice(ctx, d);
  const links = outsideLinks(await incidentLinkRows(ctx.deps.db, d.incident.key), d.postmortem);
  const body = html`<p><a href="/incidents">← Incidents</a></p><h1>${d.incident.key}: ${ctx.redact(d.incident.title)}</h1>${linksLine(links)}
${facts(ctx, d)}${tasksSection(d.timeline, ctx.redact, ctx.policy)}${timeline(ctx, d)}${children(ctx, d)}${postmortem(ctx, d)}
<section><h2>Action items</h2>${d.actionItems.length ? actionTable(d.actionItems, utcDate(ctx.now), ctx.redact, { showIncident: false }) : html`<p class="muted">None.</p>`}</section>
${actionForm(ctx, d, state)}`;
  return { status: state.error ? 422 : 200, html: page({ title: d.incident.key, session: ctx.session }, body) };
}
