// The `page` command's side effect: one trigger for the named service through every pager that
// covers it (PagerDuty, the webhook pager), with a dedup key of its own so the page stays open until
// the person paged acknowledges it there or the incident resolves (the notifier resolves every alert
// the incident opened), then the page's escalation when the severity has an ackWithin.

import { ApplicationFailure } from '@temporalio/common';
import type { ServicePage, ServicePageResult } from '../../domain/paging.js';
import { sendWebhookOnce } from './webhook-events.js';
import { startPageEscalation } from './escalation-start.js';
import { incidentLinks, sendOnce } from './events.js';
import { incidentSummary, serviceRoutingKey, serviceWebhook, type PagerDutyDeps } from './notifier.js';

export function createPagerDutyActivities(deps: PagerDutyDeps) {
  return {
    /** Named for the first pager it had; it pages through the webhook pager too (the name is in workflow histories). */
    async pageServiceThroughPagerDuty(page: ServicePage): Promise<ServicePageResult> {
      const paging = deps.policy().paging;
      const routingKey = serviceRoutingKey(deps, paging, page.service, page.incident);
      const webhook = serviceWebhook(deps, page.service);
      if (routingKey === undefined && webhook === undefined) {
        throw ApplicationFailure.create({
          type: 'PagerDutyNotConfigured',
          message: `${page.service} has no pager configured: set the environment variables paging.pagerduty.services.${page.service}.routingKeyEnv or paging.webhook names.`,
          nonRetryable: true,
        });
      }
      const redact = deps.redactor.forIncident(page.incident);
      const headline = incidentSummary(page.severity, page.incident, page.title);
      const summary = redact.redact(page.reason ? `${headline} (paged by ${page.pagedBy}: ${page.reason})` : `${headline} (paged by ${page.pagedBy})`);
      const links = await incidentLinks(deps.db, page.incident);
      if (routingKey !== undefined) {
        await sendOnce(deps.db, deps.api, page.incident, page.service, {
          action: 'trigger',
          routingKey,
          dedupKey: page.dedupKey,
          severity: page.severity,
          summary,
          details: { incident: page.incident, service: page.service, pagedBy: page.pagedBy },
          links,
        });
        deps.logger.info({ incident: page.incident, service: page.service, dedupKey: page.dedupKey }, 'paged through PagerDuty by command');
      }
      if (webhook) {
        await sendWebhookOnce(deps.db, webhook, { action: 'trigger', incident: page.incident, service: page.service, dedupKey: page.dedupKey, severity: page.severity, summary, links });
        deps.logger.info({ incident: page.incident, service: page.service, dedupKey: page.dedupKey }, 'paged through the webhook pager by command');
      }
      await startPageEscalation(deps, { incident: page.incident, service: page.service, dedupKey: page.dedupKey, severity: page.severity });
      return { service: page.service, dedupKey: page.dedupKey };
    },
  };
}

export type PagerDutyActivities = ReturnType<typeof createPagerDutyActivities>;
