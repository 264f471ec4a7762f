// `/incidents/INC-N`: one incident with its timeline, grants, sandboxes, flag rollbacks,
// postmortem and action items; and, when the service wires it, a form to add an action item.

import { incidentDetail, utcDate, type IncidentDetail } from '../../db/queries/dashboard.js';
import { rolesToShow } from '../../domain/incident-roles.js';
import { requiredRoles } from '../../domain/policy/roles-rules.js';
import { ACTION_PRIORITIES } from '../../domain/postmortem.js';
import { html, type SafeHtml } from '../render/html.js';
import { between, dateTime, page, personName, seconds } from '../render/layout.js';
import { actionTable } from './action-table.js';
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

function facts(ctx: PageContext, d: IncidentDetail): SafeHtml {
  const i = d.incident;
  return html`<dl class="facts">
  <dt>Severity</dt><dd>${i.severity}</dd><dt>Phase</dt><dd>${i.phase}</dd>
  <dt>Services</dt><dd>${i.services.join(', ') || '—'}</dd>
  ${rolesToShow(i.roles, requiredRoles(ctx.policy, i.severity)).map((r) => html`<dt>${r.role[0]!.toUpperCase() + r.role.slice(1)}</dt><dd>${personName(ctx.policy, r.holder)}${r.required && !r.holder ? ' (required)' : ''}</dd>`)}
  <dt>Reported by</dt><dd>${personName(ctx.policy, i.reporter)}</dd>
  <dt>Declared</dt><dd>${dateTime(i.declaredAt)}</dd>
  <dt>Acknowledged</dt><dd>${dateTime(i.acknowledgedAt)} (${between(i.declaredAt, i.acknowledgedAt)})</dd>
  <dt>Mitigated</dt><dd>${dateTime(i.mitigatedAt)} (${between(i.declaredAt, i.mitigatedAt)})</dd>
  <dt>Resolved</dt><dd>${dateTime(i.resolvedAt)} (${between(i.declaredAt, i.resolvedAt)})</dd>
  <dt>Closed</dt><dd>${dateTime(i.closedAt)}</dd></dl>`;
}

function timeline(ctx: PageContext, d: IncidentDetail): SafeHtml {
  return section(
    'Timeline',
    d.timeline.length,
    html`<table id="timeline"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead><tbody>${d.timeline.map(
      (e) => html`<tr><td>${dateTime(e.occurredAt)}</td><td>${e.kind}</td><td>${personName(ctx.policy, e.actor)}</td><td>${ctx.redact(e.text)}</td></tr>`,
    )}</tbody></table>`,
  );
}

function children(ctx: PageContext, d: IncidentDetail): SafeHtml {
  const grants = section(
    'Access grants',
    d.grants.length,
    html`<table id="grants"><thead><tr><th scope="col">Grant</th><th scope="col">Requested by</th><th scope="col">Capabilities</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Requested</th><th scope="col">Ended</th></tr></thead><tbody>${d.grants.map(
      (g) => html`<tr><td>${g.key}</td><td>${personName(ctx.policy, g.requester)}</td><td>${g.capabilities.join(', ')}</td><td>${g.status.replace('_', ' ')}</td><td>${ctx.redact(g.reason)}</td><td>${dateTime(g.requestedAt)}</td><td>${dateTime(g.endedAt)}${g.endReason ? html` (${ctx.redact(g.endReason)})` : ''}</td></tr>`,
    )}</tbody></table>`,
  );
  const boxes = section(
    'Sandboxes',
    d.sandboxes.length,
    html`<table id="sandboxes"><thead><tr><th scope="col">Sandbox</th><th scope="col">Requested by</th><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Requested</th><th scope="col">Expires</th><th scope="col">Ended</th></tr></thead><tbody>${d.sandboxes.map(
      (s) => html`<tr><td>${s.key}</td><td>${personName(ctx.policy, s.requester)}</td><td>${s.source}</td><td>${s.status.replace('_', ' ')}</td><td>${dateTime(s.requestedAt)}</td><td>${dateTime(s.expiresAt)}</td><td>${dateTime(s.endedAt)}</td></tr>`,
    )}</tbody></table>`,
  );
  const flags = section(
    'Flag rollbacks',
    d.flags.length,
    html`<table id="flags"><thead><tr><th scope="col">Flag</th><th scope="col">Environment</th><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Requested by</th><th scope="col">Reason</th><th scope="col">Rolled back</th><th scope="col">Restored</th></tr></thead><tbody>${d.flags.map(
      (f) => html`<tr><td>${f.flag}</td><td>${f.environment}</td><td>${f.service}</td><td>${f.status}</td><td>${personName(ctx.policy, f.requestedBy)}</td><td>${ctx.redact(f.reason)}</td><td>${dateTime(f.rolledBackAt)}</td><td>${dateTime(f.restoredAt)}</td></tr>`,
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
  <dt>Status</dt><dd>${p.status.replace('_', ' ')}${link}</dd><dt>Owner</dt><dd>${p.owner}</dd><dt>Team</dt><dd>${p.team ?? '—'}</dd>
  <dt>Approver</dt><dd>${p.approver ?? '—'}</dd>
  <dt>Due</dt><dd>${dateTime(p.dueAt)}${overdue ? html` <span class="badge overdue-badge">⚠ Overdue</span>` : ''}</dd>
  <dt>Time to acknowledge</dt><dd>${seconds(p.metrics.timeToAcknowledgeSeconds)}</dd><dt>Time to mitigate</dt><dd>${seconds(p.metrics.timeToMitigateSeconds)}</dd>
  <dt>Time to resolve</dt><dd>${seconds(p.metrics.timeToResolveSeconds)}</dd>${p.metrics.timeToDetectSeconds === undefined ? '' : html`<dt>Time to detect</dt><dd>${seconds(p.metrics.timeToDetectSeconds)}</dd>`}
  </dl></section>`;
}

function actionForm(ctx: PageContext, d: IncidentDetail, state: ActionFormState): SafeHtml {
  if (!ctx.deps.addActionItem || !d.postmortem || d.postmortem.status === 'closed') return html``;
  const people = [...new Set(Object.values(ctx.policy.teams).flatMap((t) => t.members.map((m) => m.name)))].sort();
  const v = state.values ?? {};
  return html`<section id="new-action"><h2>New action item</h2>
${state.error ? html`<p class="error" role="alert">${state.error}</p>` : ''}${state.added ? html`<p role="status">Added ${state.added}.</p>` : ''}
<form class="filters" method="post" action="/incidents/${d.incident.key}/actions">
  <input type="hidden" name="csrf" value="${ctx.session.csrf}">
  <label>Action <input name="text" required maxlength="500" value="${v.text ?? ''}"></label>
  <label>Owner <select name="owner" required>${people.map((p) => html`<option${p === v.owner ? html` selected` : ''}>${p}</option>`)}</select></label>
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
  const body = html`<p><a href="/incidents">← Incidents</a></p><h1>${d.incident.key}: ${ctx.redact(d.incident.title)}</h1>
${facts(ctx, d)}${tasksSection(d.timeline, ctx.redact)}${timeline(ctx, d)}${children(ctx, d)}${postmortem(ctx, d)}
<section><h2>Action items</h2>${d.actionItems.length ? actionTable(d.actionItems, utcDate(ctx.now), ctx.redact, { showIncident: false }) : html`<p class="muted">None.</p>`}</section>
${actionForm(ctx, d, state)}`;
  return { status: state.error ? 422 : 200, html: page({ title: d.incident.key, session: ctx.session }, body) };
}
