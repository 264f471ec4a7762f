// The Temporal Schedule that runs the redelivery workflow: created on start, updated in place when
// it already exists, so every replica may run this at start.

import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule } from '../schedules.js';
import {
  GITHUB_REDELIVERY_SCHEDULE_ID,
  GITHUB_REDELIVERY_WORKFLOW_ID,
  type GitHubRedeliveryInput,
} from '../../workflows/github-redelivery/messages.js';

export const REDELIVERY_EVERY = '10m';
/** GitHub keeps deliveries for three days; a few hours covers any outage people sit through. */
export const REDELIVERY_LOOKBACK_SECONDS = 6 * 3600;

export async function ensureRedeliverySchedule(client: Client, taskQueue: string, scheduleId = GITHUB_REDELIVERY_SCHEDULE_ID): Promise<'created' | 'updated'> {
  const args: [GitHubRedeliveryInput] = [{ lookbackSeconds: REDELIVERY_LOOKBACK_SECONDS }];
  const options = {
    scheduleId,
    spec: { intervals: [{ every: REDELIVERY_EVERY }] },
    action: { type: 'startWorkflow', workflowType: 'githubRedeliveryWorkflow', workflowId: GITHUB_REDELIVERY_WORKFLOW_ID, taskQueue, args },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
  } satisfies ScheduleOptions;
  return ensureSchedule(client, options);
}
