// The rule-run workflow's contract: started by its incident (workflows/incident/automation.ts) as a
// child under `rule:INC-N:RULE:SCOPE` (domain/automation/triggers.ts), with the rule as the policy
// said it at the trigger. It takes no messages; it tells the incident how it ended (ruleReport).

import type { Actor } from '../../domain/incident.js';
import type { RuleEvent, RuleSpec } from '../../domain/automation/types.js';

export const RULE_WORKFLOW = 'ruleWorkflow';

export interface RuleRunInput {
  incident: string;
  rule: string;
  spec: RuleSpec;
  /** This run's workflow ID: with the step's index, the key of every step's effect. */
  run: string;
  /** What the steps act as (domain/automation/triggers.ts ruleActor). */
  actor: Actor;
  event: RuleEvent;
  /** Labels of the event that set the rule off (alert groups), for `labels:` conditions. */
  labels: Record<string, string>;
}

export interface RuleRunResult {
  outcome: 'finished' | 'failed' | 'stopped';
  /** Steps done, from the first. */
  done: number;
  text: string;
}
