// What paging means to Firebreak, with no I/O: the PagerDuty Events API v2 event an incident
// becomes (severity mapping, the summary cap, dedup keys) and the payloads of the `page` update,
// which enter workflow histories and so live here rather than in an activity file.

import type { Severity } from './incident.js';

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

/** The `page` update's input, as front-ends send it. */
export interface PageRequest {
  service: string;
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

/** What the `page` update answers once the page is on the timeline (PagerDuty is called after). */
export interface PageResult {
  incident: string;
  service: string;
  dedupKey: string;
}
