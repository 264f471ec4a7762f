// The shapes of an automation rule once the policy file is read (domain/policy/automation.ts parses
// them): plain data, so workflow code can take a rule as its input and evaluate it without the
// parser. Names here are in recorded histories (a rule run's input): they never change.

import type { Severity } from '../incident.js';

/** The incident events a rule can start on. */
export const RULE_EVENTS = [
  'declared',
  'severity_changed',
  'phase_changed',
  'role_assigned',
  'alert_group_fired',
  'alert_group_resolved',
  'task_overdue',
] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

/** `once:` how often a rule may run: once per incident, once per severity it sees, once per person whose action set it off. */
export const RULE_SCOPES = ['incident', 'severity', 'user'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

export interface RuleTrigger {
  event: RuleEvent;
  /** Set for `{ after: DURATION, of: EVENT }`: the run waits this long after the event. */
  afterSeconds?: number;
}

export interface TimeWindow {
  /** `HH:MM`, 24-hour; a window whose `from` is later than its `to` spans midnight. */
  from: string;
  to: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
}

/** Incident fields a `field:` condition may read. */
export const RULE_FIELDS = ['title', 'description', 'source', 'phase', 'sourceRef'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export type RuleCondition =
  | { all: RuleCondition[] }
  | { any: RuleCondition[] }
  | { none: RuleCondition[] }
  | { severityIn: Severity[] }
  /** SEV1 is the highest: `atLeast: SEV2` holds for SEV1 and SEV2. */
  | { severityAtLeast: Severity }
  /** Holds when the incident has any of these services. */
  | { services: string[] }
  /** Holds when the event carries every one of these labels (alert groups). */
  | { labels: Record<string, string> }
  | { private: boolean }
  | { timeOfDay: TimeWindow }
  | { field: RuleField; equals?: string; contains?: string };

export type RuleStep =
  | { kind: 'post'; channel?: string; dm?: string; text: string }
  | { kind: 'invite'; team: string }
  | { kind: 'assign_role'; role: string; person: string }
  | { kind: 'add_checklist'; checklist: string }
  | { kind: 'page'; service?: string; team?: string; reason?: string }
  | { kind: 'request_sandbox'; source?: string; ttlSeconds?: number }
  | { kind: 'request_flag_rollback'; flags: string[]; reason: string }
  | { kind: 'webhook'; subscriber: string }
  | { kind: 'wait'; delaySeconds: number };

export type RuleStepKind = RuleStep['kind'];

export interface RuleSpec {
  when: RuleTrigger;
  if?: RuleCondition;
  then: RuleStep[];
  once: RuleScope;
}

/** What conditions are evaluated against: the incident now, and the event that set the rule off. */
export interface RuleFacts {
  severity: Severity;
  services: string[];
  private: boolean;
  fields: Partial<Record<RuleField, string>>;
  labels: Record<string, string>;
  /** ISO time of the evaluation (the workflow clock in workflows). */
  now: string;
}
