// Sending one PagerDuty event exactly once across activity retries, and remembering which alerts
// an incident opened so acknowledging and resolving reach every one of them. Both live in
// processed_requests (shared/once.ts): a trigger's recorded result names the service and dedup key,
// never the routing key, which is read again from the environment when it is needed.

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

const stepKey = (action: PagerDutyAction, incident: string, alert: SentTrigger) => `pagerduty:${action}:${incident}:${alert.dedupKey}:${alert.service}`;

/** Sends the event unless this step already got through on an earlier attempt. */
export async function sendOnce(db: Database, api: PagerDutyApi, incident: string, service: string, facts: PageFacts): Promise<void> {
  const alert = { service, dedupKey: facts.dedupKey };
  await once(db, { key: stepKey(facts.action, incident, alert), kind: `pagerduty.${facts.action}` }, async () => {
    await api.send(buildPagerDutyEvent(facts));
    return facts.action === 'trigger' ? { ...alert } : {};
  });
}

/** Every alert the incident's triggers opened, oldest first. */
export async function sentTriggers(db: Database, incident: string): Promise<SentTrigger[]> {
  const prefix = `pagerduty:trigger:${incident}:`;
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
