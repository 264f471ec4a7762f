// Automatic paging from the incident's own notices, so paging adds no command to the incident
// workflow: the incident's first notice ("Triage started", the only phase event that leads into
// triage) pages its services when the declared severity is in `paging.pageOn`, through PagerDuty
// and the webhook pager for the services each covers, and starts the page's escalation; the first
// notice after a commander took command acknowledges that alert, and the notice of the resolution
// resolves every alert the incident opened (its own, its escalations' and those of `page` commands).

import type { Database } from '../../db/client.js';
import type { Severity } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { PagingPolicy } from '../../domain/policy/paging.js';
import { routingKeyEnvOf, webhookPages } from '../../domain/policy/paging-rules.js';
import type { Redactor } from '../../domain/redact.js';
import type { Logger } from '../../platform/logger.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import type { IncidentNotifier } from '../notify.js';
import type { WebhookPager } from '../paging-webhook/client.js';
import { sendWebhookOnce } from './webhook-events.js';
import type { PagerDutyApi } from './client.js';
import { startPageEscalation } from './escalation-start.js';
import { incidentLinks, sendOnce, sentTriggers, type SentTrigger } from './events.js';

export interface PagerDutyDeps {
  db: Database;
  api: PagerDutyApi;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  /** The routing key held by the variable the policy names (platform/config/paging.ts). */
  routingKey(variable: string): string | undefined;
  /** The webhook pager when the policy has one and its variables are set. */
  webhookPager(): WebhookPager | undefined;
}

/** The routing key of a service that pages; undefined (and a warning) when its variable is unset. */
export function serviceRoutingKey(deps: PagerDutyDeps, paging: PagingPolicy | undefined, service: string, incident: string): string | undefined {
  const variable = routingKeyEnvOf(paging, service);
  if (variable === undefined) return undefined;
  const key = deps.routingKey(variable);
  if (key === undefined) deps.logger.warn({ incident, service, variable }, 'PagerDuty routing key variable is not set; this service is not paged');
  return key;
}

/** The webhook pager when it pages `service`. */
export function serviceWebhook(deps: PagerDutyDeps, service: string): WebhookPager | undefined {
  const policy = deps.policy();
  return webhookPages(policy.paging, service, Object.keys(policy.services)) ? deps.webhookPager() : undefined;
}

export function incidentSummary(severity: Severity, incident: string, title: string): string {
  return `[${severity}] ${incident}: ${title}`;
}

const RESOLVED_PHASES = new Set(['resolved', 'postmortem', 'closed']);

/** The incident's own alert and the escalations of it: what taking command acknowledges. */
const ownAlert = (incident: string) => (a: SentTrigger) => a.dedupKey === incident || a.dedupKey.startsWith(`${incident}:escalation:`);

export function createPagerDutyNotifier(deps: PagerDutyDeps): IncidentNotifier {
  async function trigger(notice: IncidentNotice, paging: PagingPolicy): Promise<void> {
    const { view } = notice;
    if (!paging.pageOn.includes(view.severity)) return;
    const redact = deps.redactor.forIncident(view.key);
    const links = await incidentLinks(deps.db, view.key);
    const summary = redact.redact(incidentSummary(view.severity, view.key, view.title));
    for (const service of view.services) {
      let paged = false;
      const routingKey = serviceRoutingKey(deps, paging, service, view.key);
      if (routingKey !== undefined) {
        await sendOnce(deps.db, deps.api, view.key, service, {
          action: 'trigger',
          routingKey,
          dedupKey: view.key,
          severity: view.severity,
          summary,
          details: { incident: view.key, service, severity: view.severity },
          links,
        });
        deps.logger.info({ incident: view.key, service, severity: view.severity }, 'paged through PagerDuty');
        paged = true;
      }
      const webhook = serviceWebhook(deps, service);
      if (webhook) {
        await sendWebhookOnce(deps.db, webhook, { action: 'trigger', incident: view.key, service, dedupKey: view.key, severity: view.severity, summary, links });
        deps.logger.info({ incident: view.key, service, severity: view.severity }, 'paged through the webhook pager');
        paged = true;
      }
      if (paged) await startPageEscalation(deps, { incident: view.key, service, dedupKey: view.key, severity: view.severity });
    }
  }

  /** Acknowledges the declaration's alerts or resolves every alert; each once per alert and pager. */
  async function follow(notice: IncidentNotice, paging: PagingPolicy, action: 'acknowledge' | 'resolve'): Promise<void> {
    const incident = notice.view.key;
    const wanted = (a: SentTrigger) => action === 'resolve' || ownAlert(incident)(a);
    for (const alert of (await sentTriggers(deps.db, incident, 'pagerduty')).filter(wanted)) {
      const routingKey = serviceRoutingKey(deps, paging, alert.service, incident);
      if (routingKey === undefined) continue;
      await sendOnce(deps.db, deps.api, incident, alert.service, { action, routingKey, dedupKey: alert.dedupKey, severity: notice.view.severity, summary: '' });
      deps.logger.info({ incident, service: alert.service, dedupKey: alert.dedupKey }, `PagerDuty alert ${action}d`);
    }
    const webhook = deps.webhookPager();
    if (!webhook) return;
    for (const alert of (await sentTriggers(deps.db, incident, 'webhook')).filter(wanted)) {
      await sendWebhookOnce(deps.db, webhook, { action, incident, service: alert.service, dedupKey: alert.dedupKey, severity: notice.view.severity, summary: '' });
      deps.logger.info({ incident, service: alert.service, dedupKey: alert.dedupKey }, `webhook pager alert ${action}d`);
    }
  }

  return {
    name: 'pagerduty',
    async notify(notice) {
      const paging = deps.policy().paging;
      if (!paging) return;
      // Starting, taking command and resolving are phase events; other notices change nothing in the pagers.
      if (notice.kind !== 'phase') return;
      if (notice.view.phase === 'triage') await trigger(notice, paging);
      if (notice.view.acknowledgedAt && !RESOLVED_PHASES.has(notice.view.phase)) await follow(notice, paging, 'acknowledge');
      if (RESOLVED_PHASES.has(notice.view.phase)) await follow(notice, paging, 'resolve');
    },
  };
}
