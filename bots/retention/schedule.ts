// The Temporal Schedule of the retention run: created at start, updated in place when it exists,
// so every replica may run this.

import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from '../schedules.js';
import { RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW_ID, type RetentionInput } from '../../workflows/retention/messages.js';

/** Daily at 03:30 UTC, away from the digest and most teams' working hours. */
export const RETENTION_CALENDAR = { hour: 3, minute: 30 } as const;

export async function ensureRetentionSchedule(client: Client, taskQueue: string, scheduleId = RETENTION_SCHEDULE_ID): Promise<'created' | 'updated'> {
  const args: [RetentionInput] = [{}];
  const options = {
    scheduleId,
    spec: { calendars: [RETENTION_CALENDAR] },
    action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: `${RETENTION_WORKFLOW_ID}:${scheduleId}`, taskQueue, args },
    // A missed day is caught up within the next one; two runs never overlap.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
  } satisfies ScheduleOptions;
  return ensureSchedule(client, options);
}
