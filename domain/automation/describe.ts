// How a rule reads to people: its trigger and steps in one line each, for `rules test` and the
// timeline entries of its runs.

import { formatDuration } from '../duration.js';
import type { RuleStep, RuleTrigger } from './types.js';

const EVENT_TEXT: Record<RuleTrigger['event'], string> = {
  declared: 'the incident is declared',
  severity_changed: 'the severity changes',
  phase_changed: 'the phase changes',
  role_assigned: 'a role is assigned',
  alert_group_fired: 'an alert group fires',
  alert_group_resolved: 'an alert group resolves',
  task_overdue: 'a task is overdue',
};

export function describeTrigger(when: RuleTrigger): string {
  const event = EVENT_TEXT[when.event];
  return when.afterSeconds === undefined ? `when ${event}` : `${formatDuration(when.afterSeconds)} after ${event}`;
}

export function describeStep(step: RuleStep): string {
  switch (step.kind) {
    case 'post':
      return step.dm !== undefined ? `DM ${step.dm}: "${step.text}"` : `post in ${step.channel}: "${step.text}"`;
    case 'invite':
      return `invite team ${step.team} to the incident channel`;
    case 'assign_role':
      return `make ${step.person} ${step.role}`;
    case 'add_checklist':
      return `add checklist ${step.checklist}`;
    case 'page':
      return `page ${step.service ?? `@${step.team}`}${step.reason ? `: ${step.reason}` : ''}`;
    case 'request_sandbox':
      return `request a sandbox${step.source ? ` from ${step.source}` : ''}${step.ttlSeconds ? ` for ${formatDuration(step.ttlSeconds)}` : ''}`;
    case 'request_flag_rollback':
      return `request a rollback of ${step.flags.join(', ')} (still needs its approval): ${step.reason}`;
    case 'webhook':
      return `send the webhook to ${step.subscriber}`;
    case 'wait':
      return `wait ${formatDuration(step.delaySeconds)}, then go on only if the conditions still hold`;
  }
}
