import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { FLAG_ERRORS } from '../../domain/flags.js';
import { PERSISTENCE_OPTIONS } from '../kernel/persistence.js';

export const persistence = proxyActivities<Activities>(PERSISTENCE_OPTIONS);

/**
 * The incident's own reads and writes (its policy, its events) are short Postgres work: as local
 * activities they run inside the workflow task that asks for them, instead of costing a scheduled
 * activity task and another workflow task through the Temporal server each (issue 16: they were
 * eight of an incident's fifteen activity tasks). Same retries; every write stays idempotent by its key.
 * Runs that began before this replay with the scheduled activities they recorded.
 */
const LOCAL_INCIDENT_ROWS = 'incident-rows-as-local-activities';
const localPersistence = proxyLocalActivities<Activities>(PERSISTENCE_OPTIONS);

/** Where this run's own rows go: locally, unless its history was recorded before that. */
export function incidentRows(): Pick<Activities, 'loadPolicy' | 'recordIncidentEvent'> {
  return patched(LOCAL_INCIDENT_ROWS) ? localPersistence : persistence;
}

// Notifications wait out a busy sink (rate limits, pacing: retries carrying the sink's delay) for
// up to an hour, so no write is lost to a flood; other failures get eight tries, counted by the
// activity itself (activities/notify.ts), not an incident stuck behind a chat outage.
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m' },
});

// Context is a nice-to-have: a few tries, then the incident goes on without it.
export const context = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumAttempts: 3 },
});

// Flag systems get a few tries (429s wait as long as the provider says); a missing flag none.
export const flagSteps = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 6, nonRetryableErrorTypes: [...FLAG_ERRORS] },
});

// The saga's own rows retry until Postgres is back, like every other incident write.
export const flagRows = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: { initialInterval: '1s', maximumInterval: '30s' } });
