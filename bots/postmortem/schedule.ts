// The Temporal Schedule of the weekly digest: created at start, updated in place when it exists,
// so every replica may run this.

import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from '../schedules.js';
import { WEEKLY_DIGEST_SCHEDULE_ID, WEEKLY_DIGEST_WORKFLOW_ID } from '../../workflows/digest/messages.js';

/** Monday 09:00 UTC: the start of the week, before most teams' planning. */
export const DIGEST_CALENDAR = { dayOfWeek: 'MONDAY', hour: 9, minute: 0 } as const;

export async function ensureDigestSchedule(client: Client, taskQueue: string, scheduleId = WEEKLY_DIGEST_SCHEDULE_ID): Promise<'created' | 'updated'> {
  const options = {
    scheduleId,
    spec: { calendars: [DIGEST_CALENDAR] },
    action: { type: 'startWorkflow', workflowType: 'weeklyDigestWorkflow', workflowId: `${WEEKLY_DIGEST_WORKFLOW_ID}:${scheduleId}`, taskQueue, args: [] },
    // A worker down on Monday morning still sends the digest when it comes back that day.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
  } satisfies ScheduleOptions;
  return ensureSchedule(client, options);
}
