// What paging means to Firebreak, with no I/O: the PagerDuty Events API v2 event an incident
// becomes (severity mapping, the summary cap, dedup keys), the body of the generic webhook pager,
// and the payloads of the `page` update and the page-escalation workflow, which enter workflow
// histories and so live here rather than in an activity file.

import type { Severity } from './incident.js';
import type { Person } from './policy/schema.js';

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export const PAGERDUTY_SEVERITY: Record<Severity, PagerDutySeverity> = { SEV1: 'critical', SEV2: 'error', SEV3: 'warning', SEV4: 'info' };

/** PagerDuty refuses a longer summary (Events API v2, `payload.summary`). */
export const MAX_SUMMARY = 1024;
/** Room enough for "Database down, replica lag 40 s" with a little context; longer goes on the timeline. */
export const MAX_PAGE_REASON = 500;

export interface PagerDutyLink {
  href: string;
  text: string;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: { summary: string; source: string; severity: PagerDutySeverity; custom_details?: Record<string, string> };
  links?: PagerDutyLink[];
}

/** What is known about the incident when an event is built; `summary` is already redacted. */
export interface PageFacts {
  action: PagerDutyAction;
  routingKey: string;
  dedupKey: string;
  summary: string;
  severity: Severity;
  details?: Record<string, string>;
  links?: PagerDutyLink[];
}

/** The summary as PagerDuty will show it, cut at its limit with an ellipsis so a cut is visible. */
export function capSummary(summary: string): string {
  const text = summary.replace(/\s+/g, ' ').trim();
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 1)}…`;
}

/** One Events API v2 body. Only a trigger carries a payload: PagerDuty ignores it on the others. */
export function buildPagerDutyEvent(f: PageFacts): PagerDutyEvent {
  const event: PagerDutyEvent = { routing_key: f.routingKey, event_action: f.action, dedup_key: f.dedupKey };
  if (f.action === 'trigger') {
    event.payload = { summary: capSummary(f.summary), source: 'firebreak', severity: PAGERDUTY_SEVERITY[f.severity], ...(f.details ? { custom_details: f.details } : {}) };
  }
  if (f.links?.length) event.links = f.links;
  return event;
}

/** A page from the `page` command has its own alert, so acknowledging the incident's does not silence it. */
export function commandPageDedupKey(incident: string, sequence: number): string {
  return `${incident}:page:${sequence}`;
}

/** The `page` update's input, as front-ends send it: one service, or every paged service of a team. */
export interface PageRequest {
  /** Exactly one of service and team. */
  service?: string;
  team?: string;
  reason?: string;
}

/** What the workflow asks the paging activity to send for a `page` command. */
export interface ServicePage {
  incident: string;
  service: string;
  dedupKey: string;
  severity: Severity;
  title: string;
  reason?: string;
  pagedBy: string;
}

export interface ServicePageResult {
  service: string;
  dedupKey: string;
}

/** What the `page` update answers once the page is on the timeline (the pagers are called after). */
export interface PageResult {
  incident: string;
  /** The first (for a service page, the only) service paged. */
  service: string;
  dedupKey: string;
  /** Set when a team was paged. */
  team?: string;
  /** Every service paged, each with its own dedup key. */
  pages: ServicePageResult[];
}

/** The generic webhook pager's body (version 1). `summary` is redacted; `target` only on an escalation. */
export interface WebhookPageEvent {
  version: 1;
  action: PagerDutyAction;
  dedup_key: string;
  incident: string;
  service: string;
  severity: Severity;
  summary: string;
  links: PagerDutyLink[];
  sent_at: string;
  target?: { name: string; level: number; role: EscalationRole };
}

export type EscalationRole = 'manager' | 'fallback';

/** The page-escalation workflow's type name, for activities that start it without importing it. */
export const PAGE_ESCALATION_WORKFLOW = 'pageEscalationWorkflow';

/** One escalation per page and service: an incident's own page covers each of its services. */
export function pageEscalationWorkflowId(dedupKey: string, service: string): string {
  return `page-escalation:${dedupKey}:${service}`;
}

/** A page that escalates if the incident is not acknowledged within `ackWithinSeconds`. */
export interface PageEscalationInput {
  incident: string;
  service: string;
  dedupKey: string;
  severity: Severity;
  ackWithinSeconds: number;
}

/** Whom a level escalates to: level 1 the owning team's manager, level 2 the policy's fallback. */
export interface EscalationStep {
  /** Acknowledged or resolved: nobody needs waking any more. */
  settled: boolean;
  target?: Person & { role: EscalationRole; team?: string };
}

export interface EscalatePageInput extends PageEscalationInput {
  level: number;
  target: NonNullable<EscalationStep['target']>;
}

export interface PageEscalationResult {
  /** The last level reached (0: acknowledged in time). */
  level: number;
  escalatedTo: string[];
}

/** The text of an escalation, as the DM and the timeline note say it. */
export function escalationText(i: EscalatePageInput): string {
  const waited = i.ackWithinSeconds * i.level;
  const who = i.target.role === 'manager' ? `${i.target.name} (manager of ${i.target.team ?? 'the owning team'})` : `${i.target.name} (fallback)`;
  return `Page to ${i.service} for ${i.incident} [${i.severity}] not acknowledged after ${waited}s: escalated to ${who}.`;
}

// The timeline says "Paging", not "Paged": the pagers are called by the incident's notifier after
// the note is written, and a failed delivery is the notifier's to log.
export function declarationPageText(services: readonly string[], severity: Severity): string {
  return `Paging ${services.join(', ')} (${severity} pages on declaration)`;
}

export function pageAcknowledgedText(commander: string): string {
  return `Page acknowledged: ${commander} took command`;
}

export const PAGES_RESOLVED_TEXT = 'Pages resolved';
