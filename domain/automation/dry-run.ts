// `rules test RULE INC-N`: what a rule would do for an incident now, as text, without doing it.
// Pure: the front-end gathers the incident's facts and whether the rule already ran.

import { explain, holds } from './conditions.js';
import { describeStep, describeTrigger } from './describe.js';
import type { RuleFacts, RuleSpec } from './types.js';

export interface DryRunInput {
  incident: string;
  rule: string;
  spec: RuleSpec;
  facts: RuleFacts;
  /** The run's workflow ID for the asking person's scope, and its status when it exists. */
  run: { id: string; status?: string };
}

const SCOPE_TEXT = { incident: 'once per incident', severity: 'once per severity', user: 'once per person' } as const;

export function dryRunText(i: DryRunInput): string {
  const ok = holds(i.spec.if, i.facts);
  const lines = [
    `Rule ${i.rule} for ${i.incident} (a dry run: nothing was done)`,
    `Trigger: ${describeTrigger(i.spec.when)}; ${SCOPE_TEXT[i.spec.once]}.`,
    `Conditions ${ok ? 'hold' : 'do not hold'} now:`,
    ...explain(i.spec.if, i.facts, 1),
    ok ? 'It would:' : 'If they held, it would:',
    ...i.spec.then.map((s, n) => `  ${n + 1}. ${describeStep(s)}`),
    i.run.status === undefined ? `It has not run for ${i.incident} in this scope yet (${i.run.id}).` : `It already ran for ${i.incident} in this scope (${i.run.id}: ${i.run.status.toLowerCase()}), so it would not run again.`,
  ];
  return lines.join('\n');
}
