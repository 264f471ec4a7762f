// Column headers that sort the table on the server: each is a link to the same page with
// `sort=<column>&dir=asc|desc` and the current filters; the active column says so with aria-sort
// and an arrow. Choosing a new column starts a fresh first page.

import type { SortDirection } from '../../db/queries/dashboard.js';
import { html, query, type SafeHtml } from './html.js';

export interface SortState<S extends string> {
  path: string;
  /** The filters every header link keeps. */
  keep: Record<string, string | undefined>;
  sort?: S;
  dir?: SortDirection;
  /** The order the page shows when no column is asked for. */
  defaultSort: S;
  defaultDir: SortDirection;
}

export function activeSort<S extends string>(state: SortState<S>): { sort: S; dir: SortDirection } {
  return state.sort ? { sort: state.sort, dir: state.dir ?? 'asc' } : { sort: state.defaultSort, dir: state.defaultDir };
}

/** The sort parameters for pager links (none when the default order is shown). */
export function sortParams<S extends string>(state: SortState<S>): Record<string, string | undefined> {
  return state.sort ? { sort: state.sort, dir: state.dir } : {};
}

export function sortHeader<S extends string>(state: SortState<S>, column: S, label: string): SafeHtml {
  const { sort, dir } = activeSort(state);
  const active = sort === column;
  const next: SortDirection = active ? (dir === 'asc' ? 'desc' : 'asc') : column === state.defaultSort ? state.defaultDir : 'asc';
  const href = `${state.path}${query({ ...state.keep, sort: column, dir: next })}`;
  const arrow = active ? html`<span class="sort-arrow" aria-hidden="true">${dir === 'asc' ? ' ▲' : ' ▼'}</span>` : '';
  return html`<th scope="col"${active ? html` aria-sort="${dir === 'asc' ? 'ascending' : 'descending'}"` : ''}><a class="sort" href="${href}">${label}${arrow}</a></th>`;
}
