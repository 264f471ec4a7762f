import type { LocalActivityOptions } from '@temporalio/common';

/**
 * Short Postgres work a workflow does for itself (its policy, its rows, a delivery's record):
 * retried until Postgres is back; only a refused input (a bug) stops it. The same options serve
 * such work scheduled (old histories) and local (inside the workflow task that asks for it, no
 * activity task or extra workflow task through the server: issue 16).
 */
export const PERSISTENCE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidIncidentEvent'] },
};
