import { digests } from './activities.js';
import type { WeeklyDigestResult } from './messages.js';

/** One run per week (Temporal Schedule): each team's manager gets their digest. */
export async function weeklyDigestWorkflow(): Promise<WeeklyDigestResult> {
  return digests.sendWeeklyDigests({ at: new Date().toISOString() });
}
