// What automation rule runs (workflows/rule/) tell their incident: how a run ended, so the timeline
// shows every run's start (the incident writes that itself) and its end. Part of the incident's
// contract; re-exported by ../messages.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { ActorInput } from './actor.js';

export type RuleRunOutcome = 'finished' | 'failed' | 'stopped';

export interface RuleReportInput extends ActorInput {
  rule: string;
  /** The run's workflow ID (`rule:INC-N:RULE:SCOPE`). */
  run: string;
  outcome: RuleRunOutcome;
  /** One line: what was done, which step failed and why, or which condition no longer held. */
  text: string;
  /** The step (from 1) that failed or stopped the run. */
  step?: number;
}

export const ruleReportUpdate = defineUpdate<unknown, [RuleReportInput]>('ruleReport');
