// The `page` command's side effect: one trigger for the named service, with a dedup key of its own
// so the page stays open in PagerDuty until the person paged acknowledges it there or the incident
// resolves (the notifier resolves every alert the incident opened).

import { ApplicationFailure } from '@temporalio/common';
import type { ServicePage, ServicePageResult } from '../../domain/paging.js';
import { incidentLinks, sendOnce } from './events.js';
import { incidentSummary, serviceRoutingKey, type PagerDutyDeps } from './notifier.js';

export function createPagerDutyActivities(deps: PagerDutyDeps) {
  return {
    async pageServiceThroughPagerDuty(page: ServicePage): Promise<ServicePageResult> {
      const paging = deps.policy().paging;
      const routingKey = serviceRoutingKey(deps, paging, page.service, page.incident);
      if (routingKey === undefined) {
        throw ApplicationFailure.create({
          type: 'PagerDutyNotConfigured',
          message: `${page.service} has no PagerDuty routing key: set the environment variable paging.pagerduty.services.${page.service}.routingKeyEnv names.`,
          nonRetryable: true,
        });
      }
      const redact = deps.redactor.forIncident(page.incident);
      const headline = incidentSummary(page.severity, page.incident, page.title);
      const summary = redact.redact(page.reason ? `${headline} (paged by ${page.pagedBy}: ${page.reason})` : `${headline} (paged by ${page.pagedBy})`);
      await sendOnce(deps.db, deps.api, page.incident, page.service, {
        action: 'trigger',
        routingKey,
        dedupKey: page.dedupKey,
        severity: page.severity,
        summary,
        details: { incident: page.incident, service: page.service, pagedBy: page.pagedBy },
        links: await incidentLinks(deps.db, page.incident),
      });
      deps.logger.info({ incident: page.incident, service: page.service, dedupKey: page.dedupKey }, 'paged through PagerDuty by command');
      return { service: page.service, dedupKey: page.dedupKey };
    },
  };
}

export type PagerDutyActivities = ReturnType<typeof createPagerDutyActivities>;
