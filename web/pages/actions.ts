// `/actions`: the action-item board, filtered by a search text, team, owner, service, status and
// overdue, sorted by due date or a chosen column; `/actions.csv`: the same filter and order as a
// spreadsheet.

import { actionBoard, actionBoardCsvRows, actionBoardFacets, countActionItems, MAX_CSV_ROWS, type ActionSort } from '../../db/queries/dashboard.js';
import { csvLine } from '../render/csv.js';
import { actionQueryParams, MAX_SEARCH_LENGTH, parseActionQuery } from '../render/filters.js';
import { html, query } from '../render/html.js';
import { options, page } from '../render/layout.js';
import { activeSort, sortParams, type SortState } from '../render/sort-header.js';
import { actionTable } from './action-table.js';
import type { PageContext, PageResult } from './context.js';
import { visiblePrivateKeys } from './privacy.js';

export async function actionsPage(ctx: PageContext): Promise<PageResult> {
  const { query: q, filter: asked } = parseActionQuery(ctx.url.searchParams);
  const filter = { ...asked, visiblePrivate: await visiblePrivateKeys(ctx) };
  const [board, total, facets] = await Promise.all([
    actionBoard(ctx.deps.db, filter, ctx.now),
    countActionItems(ctx.deps.db, filter, ctx.now),
    actionBoardFacets(ctx.deps.db),
  ]);
  const keep = actionQueryParams(q);
  const sorting: SortState<ActionSort> = { path: '/actions', keep, sort: q.sort, dir: q.dir, defaultSort: 'due', defaultDir: 'asc' };
  const order = activeSort(sorting);
  const sorted = { ...keep, ...sortParams(sorting) };
  const status = (['open', 'done', 'all'] as const).map((s) => html`<option value="${s}"${s === q.status ? html` selected` : ''}>${s}</option>`);
  const body = html`<h1>Action items</h1>
<form class="filters" method="get" action="/actions" role="search">
  <label class="search">Search <input type="search" name="q" value="${q.q ?? ''}" maxlength="${MAX_SEARCH_LENGTH}" placeholder="action text or ACT-12"></label>
  <label>Team <select name="team">${options(facets.teams, q.team)}</select></label>
  <label>Owner <select name="owner">${options(facets.owners, q.owner)}</select></label>
  <label>Service <select name="service">${options(facets.services, q.service)}</select></label>
  <label>Status <select name="status">${status}</select></label>
  <label><span><input type="checkbox" name="overdue" value="1"${q.overdue ? html` checked` : ''}> Overdue only</span></label>
  ${q.sort ? html`<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.dir ?? 'asc'}">` : ''}
  <button type="submit">Filter</button> <a href="/actions">Clear</a>
</form>
<p><span id="count">${total} ${total === 1 ? 'item' : 'items'}</span>, sorted by ${order.sort === 'due' ? 'due date' : order.sort} (${order.dir === 'asc' ? 'ascending' : 'descending'}; overdue judged against ${board.today}). <a href="/actions.csv${query(sorted)}" download>Download CSV</a></p>
${board.rows.length ? actionTable(board.rows, board.today, ctx.redact, { sorting }) : html`<p class="muted">No action items match these filters.</p>`}
<nav class="pager" aria-label="Pages">${q.page > 1 ? html`<a href="/actions${query({ ...sorted, page: q.page - 1 })}">← Previous</a>` : ''}${board.more ? html`<a href="/actions${query({ ...sorted, page: q.page + 1 })}">Next →</a>` : ''}</nav>`;
  return { status: 200, html: page({ title: 'Action items', session: ctx.session, active: 'actions' }, body) };
}

const CSV_HEADER = ['key', 'incident', 'action', 'owner', 'team', 'service', 'priority', 'due_date', 'status', 'overdue', 'issue_url', 'created_at', 'done_at'];

export async function actionsCsv(ctx: PageContext): Promise<{ body: string; filename: string; truncated: boolean }> {
  const { filter } = parseActionQuery(ctx.url.searchParams);
  const rows = await actionBoardCsvRows(ctx.deps.db, { ...filter, visiblePrivate: await visiblePrivateKeys(ctx) }, ctx.now);
  let body = csvLine(CSV_HEADER);
  for (const r of rows) {
    body += csvLine([r.key, r.incident, ctx.redact(r.text), r.owner, r.team, r.service, r.priority, r.dueDate, r.status, r.overdue ? 'yes' : 'no', r.issueUrl, r.createdAt, r.doneAt]);
  }
  return { body, filename: `action-items-${ctx.now.toISOString().slice(0, 10)}.csv`, truncated: rows.length >= MAX_CSV_ROWS };
}
