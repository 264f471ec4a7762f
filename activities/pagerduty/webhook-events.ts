// One webhook pager event exactly once across activity retries, through the same one-row-per-event
// record as PagerDuty's (events.ts), so resolving finds every alert the webhook opened.

import type { Database } from '../../db/client.js';
import { capSummary, type PagerDutyAction, type PagerDutyLink, type WebhookPageEvent } from '../../domain/paging.js';
import type { Severity } from '../../domain/incident.js';
import { eventOnce } from './events.js';
import type { WebhookPager } from '../paging-webhook/client.js';

export interface WebhookPageFacts {
  action: PagerDutyAction;
  incident: string;
  service: string;
  dedupKey: string;
  severity: Severity;
  /** Already redacted. */
  summary: string;
  links?: PagerDutyLink[];
  target?: WebhookPageEvent['target'];
}

export function buildWebhookEvent(f: WebhookPageFacts, sentAt: Date): WebhookPageEvent {
  return {
    version: 1,
    action: f.action,
    dedup_key: f.dedupKey,
    incident: f.incident,
    service: f.service,
    severity: f.severity,
    summary: capSummary(f.summary),
    links: f.links ?? [],
    sent_at: sentAt.toISOString(),
    ...(f.target ? { target: f.target } : {}),
  };
}

export async function sendWebhookOnce(db: Database, pager: WebhookPager, facts: WebhookPageFacts): Promise<void> {
  await eventOnce(db, 'webhook', facts.action, facts.incident, { service: facts.service, dedupKey: facts.dedupKey }, () => pager.send(buildWebhookEvent(facts, new Date())));
}
