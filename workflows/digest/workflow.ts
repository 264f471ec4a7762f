import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { WeeklyDigestResult } from './messages.js';

const digests = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '5s', maximumInterval: '5m', maximumAttempts: 10 },
});

/** One run per week (Temporal Schedule): each team's manager gets their digest. */
export async function weeklyDigestWorkflow(): Promise<WeeklyDigestResult> {
  return digests.sendWeeklyDigests({ at: new Date().toISOString() });
}
