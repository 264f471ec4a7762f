// The weekly digest's contract: a Temporal Schedule starts `weeklyDigestWorkflow` every Monday.

export const WEEKLY_DIGEST_SCHEDULE_ID = 'firebreak-weekly-digest';
export const WEEKLY_DIGEST_WORKFLOW_ID = 'weekly-digest';

export interface WeeklyDigestResult {
  sent: string[];
}
