// Which timeline events set rules off, under which workflow ID a rule runs (so it runs once per
// incident, severity or person), how many runs an incident allows a rule, and the facts a rule's
// conditions read. Pure: the incident workflow decides with these, `rules test` explains with them.

import type { Actor, Severity } from '../incident.js';
import type { RuleEvent, RuleFacts, RuleField, RuleScope, RuleSpec } from './types.js';

/** A rule set off more often than this in one incident is a loop: it is stopped, with a timeline entry. */
export const MAX_RULE_RUNS = 20;

/** The timeline event as the incident recorded it: its kind and details. */
export interface RecordedEvent {
  kind: string;
  details?: Record<string, unknown>;
}

/** The rule events one recorded event is; most are one, the first "Triage started" is two. */
export function ruleEventsOf(event: RecordedEvent): RuleEvent[] {
  const d = event.details ?? {};
  switch (event.kind) {
    case 'phase':
      // The incident's first phase change (declared → triage) is its declaration as rules see it.
      return d.event === 'start_triage' ? ['declared', 'phase_changed'] : ['phase_changed'];
    case 'severity':
      return ['severity_changed'];
    case 'role':
      return ['role_assigned'];
    case 'task':
      return d.event === 'overdue' ? ['task_overdue'] : [];
    case 'note': {
      const group = d.alertGroup as { event?: string } | undefined;
      if (group?.event === 'fired') return ['alert_group_fired'];
      if (group?.event === 'resolved') return ['alert_group_resolved'];
      return [];
    }
    default:
      return [];
  }
}

/** Labels an event carries (an alert group's), for `labels:` conditions. */
export function eventLabels(event: RecordedEvent): Record<string, string> {
  const labels = (event.details?.alertGroup as { labels?: unknown } | undefined)?.labels;
  if (!labels || typeof labels !== 'object') return {};
  return Object.fromEntries(Object.entries(labels as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** The part of the workflow ID that makes `once:` hold: the same scope never runs the rule twice. */
export function onceScopeKey(scope: RuleScope, severity: Severity, actor: Actor): string {
  if (scope === 'severity') return `severity:${severity}`;
  if (scope === 'user') return `user:${actor.source}:${actor.id}`;
  return 'incident';
}

/** `rule:INC-N:RULE:SCOPE`; started with a reuse policy that rejects duplicates. */
export function ruleRunWorkflowId(incident: string, rule: string, scopeKey: string): string {
  return `rule:${incident}:${rule}:${scopeKey}`;
}

/** The actor a run's steps act as: the system, named for the rule and the run's number in the incident. */
export function ruleActor(rule: string, run: number): Actor {
  return { source: 'system', id: `rule:${rule}#${run}`, name: `rule ${rule}` };
}

export interface IncidentFacts {
  severity: Severity;
  services: string[];
  private?: boolean;
  title: string;
  description?: string;
  source: string;
  phase: string;
  sourceRef?: string;
}

export function factsOf(incident: IncidentFacts, labels: Record<string, string>, now: string): RuleFacts {
  const fields: Partial<Record<RuleField, string>> = {
    title: incident.title,
    source: incident.source,
    phase: incident.phase,
    ...(incident.description !== undefined ? { description: incident.description } : {}),
    ...(incident.sourceRef !== undefined ? { sourceRef: incident.sourceRef } : {}),
  };
  return { severity: incident.severity, services: [...incident.services], private: incident.private === true, fields, labels, now };
}

/** The rules `events` set off, in policy order. */
export function rulesFor(rules: Record<string, RuleSpec> | undefined, events: readonly RuleEvent[]): Array<[string, RuleSpec]> {
  return Object.entries(rules ?? {}).filter(([, r]) => events.includes(r.when.event));
}
