// The action-item table shared by the board and the incident page. Overdue rows say so in words
// and with a marker, not by colour alone.

import type { ActionSort } from '../../db/queries/dashboard.js';
import type { ActionItemRow } from '../../db/schema/index.js';
import { html, type SafeHtml } from '../render/html.js';
import { sortHeader, type SortState } from '../render/sort-header.js';

const DAY_MS = 86_400_000;

export function daysOverdue(item: Pick<ActionItemRow, 'status' | 'dueDate'>, today: string): number {
  if (item.status !== 'open' || item.dueDate >= today) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${item.dueDate}T00:00:00Z`)) / DAY_MS);
}

export interface ActionTableOptions {
  showIncident?: boolean;
  /** Sortable headers (the board); without it the table is in due-date order (the incident page). */
  sorting?: SortState<ActionSort>;
}

function headers(opts: ActionTableOptions): SafeHtml {
  const { sorting } = opts;
  const th = (column: ActionSort, label: string) =>
    sorting ? sortHeader(sorting, column, label) : column === 'due' ? html`<th scope="col" aria-sort="ascending">${label}</th>` : html`<th scope="col">${label}</th>`;
  return html`<tr>${th('item', 'Item')}${opts.showIncident === false ? '' : th('incident', 'Incident')}${th('action', 'Action')}${th('owner', 'Owner')}${th('team', 'Team')}${th('service', 'Service')}${th('priority', 'Priority')}${th('due', 'Due')}${th('status', 'Status')}<th scope="col">Issue</th></tr>`;
}

export function actionTable(rows: ActionItemRow[], today: string, redact: (s: string) => string, opts: ActionTableOptions = {}): SafeHtml {
  const showIncident = opts.showIncident ?? true;
  return html`<table id="action-items"><thead>${headers(opts)}</thead>
<tbody>${rows.map((a) => {
    const late = daysOverdue(a, today);
    return html`<tr data-key="${a.key}"${late ? html` class="overdue" data-overdue="${late}"` : ''}><td data-label="Item">${a.key}</td>${showIncident ? html`<td data-label="Incident"><a href="/incidents/${a.incidentKey}">${a.incidentKey}</a></td>` : ''}
<td data-label="Action">${redact(a.text)}</td><td data-label="Owner">${a.owner}</td><td data-label="Team">${a.team ?? '—'}</td><td data-label="Service">${a.service ?? '—'}</td><td data-label="Priority">${a.priority}</td>
<td data-label="Due">${a.dueDate}${late ? html` <span class="badge overdue-badge">⚠ Overdue by ${late} ${late === 1 ? 'day' : 'days'}</span>` : ''}</td><td data-label="Status">${a.status}</td>
<td data-label="Issue">${a.issueUrl && /^https?:\/\//.test(a.issueUrl) ? html`<a href="${a.issueUrl}" rel="noreferrer">${a.issueRef ?? 'issue'}</a>` : (a.issueRef ?? '—')}</td></tr>`;
  })}</tbody></table>`;
}
