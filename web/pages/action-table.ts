// The action-item table shared by the board and the incident page. Overdue rows say so in words
// and with a marker, not by colour alone.

import type { ActionItemRow } from '../../db/schema/index.js';
import { html, type SafeHtml } from '../render/html.js';

const DAY_MS = 86_400_000;

export function daysOverdue(item: Pick<ActionItemRow, 'status' | 'dueDate'>, today: string): number {
  if (item.status !== 'open' || item.dueDate >= today) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${item.dueDate}T00:00:00Z`)) / DAY_MS);
}

export function actionTable(rows: ActionItemRow[], today: string, redact: (s: string) => string, opts: { showIncident?: boolean } = {}): SafeHtml {
  const showIncident = opts.showIncident ?? true;
  return html`<table id="action-items"><thead><tr><th scope="col">Item</th>${showIncident ? html`<th scope="col">Incident</th>` : ''}<th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Team</th><th scope="col">Service</th><th scope="col">Priority</th><th scope="col" aria-sort="ascending">Due</th><th scope="col">Status</th><th scope="col">Issue</th></tr></thead>
<tbody>${rows.map((a) => {
    const late = daysOverdue(a, today);
    return html`<tr data-key="${a.key}"${late ? html` class="overdue" data-overdue="${late}"` : ''}><td>${a.key}</td>${showIncident ? html`<td><a href="/incidents/${a.incidentKey}">${a.incidentKey}</a></td>` : ''}
<td>${redact(a.text)}</td><td>${a.owner}</td><td>${a.team ?? '—'}</td><td>${a.service ?? '—'}</td><td>${a.priority}</td>
<td>${a.dueDate}${late ? html` <span class="badge overdue-badge">⚠ Overdue by ${late} ${late === 1 ? 'day' : 'days'}</span>` : ''}</td><td>${a.status}</td>
<td>${a.issueUrl && /^https?:\/\//.test(a.issueUrl) ? html`<a href="${a.issueUrl}" rel="noreferrer">${a.issueRef ?? 'issue'}</a>` : (a.issueRef ?? '—')}</td></tr>`;
  })}</tbody></table>`;
}
