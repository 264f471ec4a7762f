// Everything Firebreak sends to pagers (PagerDuty and the generic webhook pager): the notifier that
// pages, acknowledges and resolves from incident notices, the activity behind the `page` command and
// those of the page-escalation workflow. Built when the policy has a paging section; routing keys,
// the webhook's URL and its secret come from the variables it names, through platform/config/paging.ts.

import { readPagerDuty, type PagerDutyConfig } from '../../platform/config/index.js';
import type { Outbound, OutboundContext } from '../outbound.js';
import { webhookPagerFor } from '../paging-webhook/integration.js';
import { createPagerDutyApi } from './client.js';
import { createPageEscalationActivities } from './escalation.js';
import { createPagerDutyNotifier, type PagerDutyDeps } from './notifier.js';
import { createPagerDutyActivities } from './page.js';

/** The notifier, the page activity and the escalation activities over one Events API client and one webhook pager. */
export function createPagerDuty(deps: Omit<PagerDutyDeps, 'api' | 'routingKey' | 'webhookPager'> & { config: PagerDutyConfig; rateLimitWaitMs?: number }) {
  const { config, rateLimitWaitMs, ...rest } = deps;
  const api = createPagerDutyApi({ eventsUrl: config.eventsUrl, ...(rateLimitWaitMs ? { rateLimitWaitMs } : {}) });
  // Built on first use: the policy and the environment are fixed for the process's life.
  let webhook: { pager: ReturnType<typeof webhookPagerFor> } | undefined;
  const webhookPager = () => (webhook ??= { pager: webhookPagerFor(rest.policy().paging, config.routingKey, rest.logger) }).pager;
  const full: PagerDutyDeps = { ...rest, api, routingKey: config.routingKey, webhookPager };
  return { notifier: createPagerDutyNotifier(full), activities: { ...createPagerDutyActivities(full), ...createPageEscalationActivities(full) } };
}

export function createPagerDutyOutbound(ctx: OutboundContext): Outbound | undefined {
  if (!ctx.policy.paging) return undefined;
  const pagerDuty = createPagerDuty({
    db: ctx.db,
    policy: () => ctx.policy,
    redactor: ctx.redactor,
    logger: ctx.logger.child({ integration: 'pagerduty' }),
    // Hand-built configs (tests) have no PagerDuty part: the real API and no keys.
    config: ctx.config.pagerDuty ?? readPagerDuty({}),
  });
  return { name: 'pagerduty', notifiers: [pagerDuty.notifier], triageSources: [], activities: pagerDuty.activities };
}
