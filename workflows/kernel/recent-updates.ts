// Temporal answers a repeated update ID with its first outcome only within one run. A workflow that
// continues as new starts a run that has never seen those IDs, so a client's retry (a CLI re-run with
// its idempotency key, a replayed Slack request) would act a second time. Long-lived workflows carry
// the IDs of the updates they applied recently in their state, and answer a repeat without acting.

/** One update applied recently; `result` is kept only when it is not the workflow's whole view. */
export interface RecentUpdate {
  id: string;
  result?: unknown;
}

/** Enough for every retry a client makes within minutes; small enough to carry in the state. */
export const RECENT_UPDATES_KEPT = 100;

export function findRecentUpdate(recent: readonly RecentUpdate[] | undefined, id: string | undefined): RecentUpdate | undefined {
  return id === undefined ? undefined : recent?.find((u) => u.id === id);
}

/**
 * Remembers an applied update, dropping the oldest past the bound. A result that is a view (it has
 * a timeline) is not kept: it is large, and a repeat is better answered with the view of now.
 */
export function rememberUpdate(holder: { recentUpdates?: RecentUpdate[] }, id: string, result: unknown): void {
  const isView = typeof result === 'object' && result !== null && 'timeline' in result;
  const recent = (holder.recentUpdates ??= []);
  recent.push(isView || result === undefined ? { id } : { id, result });
  if (recent.length > RECENT_UPDATES_KEPT) recent.splice(0, recent.length - RECENT_UPDATES_KEPT);
}
