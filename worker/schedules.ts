// The Temporal Schedules Firebreak keeps: created at start and updated in place when they exist, so
// every replica may ensure them at start.

import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { canRedeliver } from '../activities/github/integration.js';
import type { Config } from '../platform/config/index.js';
import type { Logger } from '../platform/logger.js';
import { AUDIT_SEAL_SCHEDULE_ID, AUDIT_SEAL_WORKFLOW_ID } from '../workflows/audit-seal/messages.js';
import { WEEKLY_DIGEST_SCHEDULE_ID, WEEKLY_DIGEST_WORKFLOW_ID } from '../workflows/digest/messages.js';
import { GITHUB_REDELIVERY_SCHEDULE_ID, GITHUB_REDELIVERY_WORKFLOW_ID, type GitHubRedeliveryInput } from '../workflows/github-redelivery/messages.js';
import { RETENTION_SCHEDULE_ID, RETENTION_WORKFLOW_ID, type RetentionInput } from '../workflows/retention/messages.js';

export const REDELIVERY_EVERY = '10m';
/** How long a tampered audit chain can go unsealed: verify checks every row up to the last checkpoint. */
export const AUDIT_SEAL_EVERY = '5m';
/** GitHub keeps deliveries for three days; a few hours covers any outage people sit through. */
const REDELIVERY_LOOKBACK_SECONDS = 6 * 3600;

interface ScheduleDefinition {
  /** The start log's line, which says when it runs. */
  ready: string;
  defaultId: string;
  options(taskQueue: string, scheduleId: string): ScheduleOptions;
}

export const SCHEDULES = {
  // Monday 09:00 UTC: the start of the week, before most teams' planning. A worker down on Monday
  // morning still sends the digest when it comes back that day.
  digest: {
    ready: 'weekly digest schedule ready (Mondays 09:00 UTC)',
    defaultId: WEEKLY_DIGEST_SCHEDULE_ID,
    options: (taskQueue, scheduleId) => ({
      scheduleId,
      spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 9, minute: 0 }] },
      action: { type: 'startWorkflow', workflowType: 'weeklyDigestWorkflow', workflowId: `${WEEKLY_DIGEST_WORKFLOW_ID}:${scheduleId}`, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
    }),
  },
  // Daily at 03:30 UTC, away from the digest and most teams' working hours. A missed day is caught
  // up within the next one; two runs never overlap.
  retention: {
    ready: 'retention schedule ready (daily 03:30 UTC)',
    defaultId: RETENTION_SCHEDULE_ID,
    options: (taskQueue, scheduleId) => ({
      scheduleId,
      spec: { calendars: [{ hour: 3, minute: 30 }] },
      action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: `${RETENTION_WORKFLOW_ID}:${scheduleId}`, taskQueue, args: [{} satisfies RetentionInput] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
    }),
  },
  // Seals a checkpoint over the audit chains that moved; a run that finds none seals nothing.
  auditSeal: {
    ready: `audit seal schedule ready (every ${AUDIT_SEAL_EVERY})`,
    defaultId: AUDIT_SEAL_SCHEDULE_ID,
    options: (taskQueue, scheduleId) => ({
      scheduleId,
      spec: { intervals: [{ every: AUDIT_SEAL_EVERY }] },
      action: { type: 'startWorkflow', workflowType: 'auditSealWorkflow', workflowId: `${AUDIT_SEAL_WORKFLOW_ID}:${scheduleId}`, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: AUDIT_SEAL_EVERY },
    }),
  },
  // Asks GitHub to redeliver the webhook deliveries Firebreak missed.
  githubRedelivery: {
    ready: 'GitHub redelivery schedule ready',
    defaultId: GITHUB_REDELIVERY_SCHEDULE_ID,
    options: (taskQueue, scheduleId) => ({
      scheduleId,
      spec: { intervals: [{ every: REDELIVERY_EVERY }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'githubRedeliveryWorkflow',
        workflowId: GITHUB_REDELIVERY_WORKFLOW_ID,
        taskQueue,
        args: [{ lookbackSeconds: REDELIVERY_LOOKBACK_SECONDS } satisfies GitHubRedeliveryInput],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10m' },
    }),
  },
} satisfies Record<string, ScheduleDefinition>;

export type ScheduleName = keyof typeof SCHEDULES;

/** Creates the named schedule, or brings an existing one to this definition (keeping its other policies). */
export async function ensureSchedule(client: Client, name: ScheduleName, taskQueue: string, scheduleId: string = SCHEDULES[name].defaultId): Promise<'created' | 'updated'> {
  const options = SCHEDULES[name].options(taskQueue, scheduleId);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(options.scheduleId)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
    return 'updated';
  }
}

/** Every schedule this configuration needs; GitHub redelivery only where missed deliveries can be listed. */
export async function ensureSchedules(client: Client, taskQueue: string, config: Config, logger: Logger): Promise<void> {
  const names: ScheduleName[] = ['digest', 'retention', 'auditSeal'];
  if (config.github && canRedeliver(config, config.github)) names.push('githubRedelivery');
  else if (config.github) logger.info('missed GitHub deliveries are not redelivered: they need a GitHub App, or PUBLIC_URL with a token');
  for (const name of names) logger.info({ schedule: await ensureSchedule(client, name, taskQueue) }, SCHEDULES[name].ready);
}
