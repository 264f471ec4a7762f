// Sending one paging event exactly once across activity retries, and remembering which alerts an
// incident opened so acknowledging and resolving reach every one of them, for each pager (PagerDuty,
// the generic webhook). Both live in processed_requests (shared/once.ts): a trigger's recorded
// result names the service and dedup key, never the routing key or webhook secret, which are read
// again from the environment when they are needed.

import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import { buildPagerDutyEvent, type PageFacts, type PagerDutyAction, type PagerDutyLink } from '../../domain/paging.js';
import { once } from '../shared/once.js';
import type { PagerDutyApi } from './client.js';

/** An alert this incident opened in PagerDuty. */
export interface SentTrigger {
  service: string;
  dedupKey: string;
}

export type Pager = 'pagerduty' | 'webhook';

const stepKey = (pager: Pager, action: PagerDutyAction, incident: string, alert: SentTrigger) => `${pager}:${action}:${incident}:${alert.dedupKey}:${alert.service}`;

/** Runs `send` unless this pager's event for this alert already got through on an earlier attempt. */
export async function eventOnce(db: Database, pager: Pager, action: PagerDutyAction, incident: string, alert: SentTrigger, send: () => Promise<void>): Promise<void> {
  await once(db, { key: stepKey(pager, action, incident, alert), kind: `${pager}.${action}` }, async () => {
    await send();
    return action === 'trigger' ? { ...alert } : {};
  });
}

/** Sends the PagerDuty event unless this step already got through on an earlier attempt. */
export async function sendOnce(db: Database, api: PagerDutyApi, incident: string, service: string, facts: PageFacts): Promise<void> {
  await eventOnce(db, 'pagerduty', facts.action, incident, { service, dedupKey: facts.dedupKey }, async () => {
    await api.send(buildPagerDutyEvent(facts));
  });
}

/** Every alert the incident's triggers opened through `pager`, oldest first. */
export async function sentTriggers(db: Database, incident: string, pager: Pager = 'pagerduty'): Promise<SentTrigger[]> {
  const prefix = `${pager}:trigger:${incident}:`;
  const rows = await db
    .select({ result: processedRequests.result })
    .from(processedRequests)
    .where(sql`starts_with(${processedRequests.key}, ${prefix})`)
    .orderBy(processedRequests.createdAt);
  return rows.map((r) => r.result as unknown as SentTrigger).filter((t) => typeof t.service === 'string' && typeof t.dedupKey === 'string');
}

/** Links PagerDuty shows with the alert: the incident's Slack channel and GitHub issue, when they exist yet. */
export async function incidentLinks(db: Database, incident: string): Promise<PagerDutyLink[]> {
  const links: PagerDutyLink[] = [];
  const channel = await findLink(db, incident, 'slack-channel');
  if (channel) links.push({ href: `https://slack.com/app_redirect?channel=${encodeURIComponent(channel.externalId)}`, text: `Slack channel of ${incident}` });
  const issue = await findLink(db, incident, 'github-issue');
  const ref = issue && /^([^#]+)#(\d+)$/.exec(issue.externalId);
  if (ref) links.push({ href: `https://github.com/${ref[1]}/issues/${ref[2]}`, text: `GitHub issue ${issue.externalId}` });
  return links;
}
