// The retention workflow's contract: a Temporal Schedule starts `retentionWorkflow` once a day.

import type { RetentionCounts, RetentionPlan, RetentionTarget, RetentionWindow } from '../../domain/retention.js';

export const RETENTION_SCHEDULE_ID = 'firebreak-retention';
export const RETENTION_WORKFLOW_ID = 'retention';
export const RETENTION_BATCH_SIZE = 500;

export interface RetentionInput {
  /** ISO time the windows are measured from; the run's start when absent (the schedule sends none). */
  now?: string;
  /** Rows per statement; defaults to RETENTION_BATCH_SIZE. */
  batchSize?: number;
}

export interface RetentionResult {
  asOf: string;
  plan: RetentionPlan;
  counts: RetentionCounts;
  /** The audit row the report went to. */
  auditSeq: number;
}

// What the run hands its activities and gets back, and so writes into its history.

export interface PurgeInput {
  target: RetentionTarget;
  window: RetentionWindow;
  /** The run's `now`, recorded on what it changes. */
  asOf: string;
  batchSize: number;
}

export interface PurgeResult {
  changed: number;
  /** Sandbox playbooks cleaned with their sandboxes. */
  extra: number;
}

export interface RetentionReportInput {
  /** One per workflow run: a retried report activity appends nothing new. */
  idempotencyKey: string;
  asOf: string;
  plan: RetentionPlan;
  counts: RetentionCounts;
}
