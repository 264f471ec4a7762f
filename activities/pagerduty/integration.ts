// Everything Firebreak sends to PagerDuty: the notifier that pages, acknowledges and resolves from
// incident notices, and the activity behind the `page` command. Built when the policy has a paging
// section; routing keys come from the variables it names, through platform/config/paging.ts.

import { readPagerDuty, type PagerDutyConfig } from '../../platform/config/index.js';
import type { Outbound, OutboundContext } from '../outbound.js';
import { createPagerDutyApi } from './client.js';
import { createPagerDutyNotifier, type PagerDutyDeps } from './notifier.js';
import { createPagerDutyActivities } from './page.js';

/** The notifier and the page activity over one Events API client. */
export function createPagerDuty(deps: Omit<PagerDutyDeps, 'api' | 'routingKey'> & { config: PagerDutyConfig; rateLimitWaitMs?: number }) {
  const { config, rateLimitWaitMs, ...rest } = deps;
  const api = createPagerDutyApi({ eventsUrl: config.eventsUrl, ...(rateLimitWaitMs ? { rateLimitWaitMs } : {}) });
  const full: PagerDutyDeps = { ...rest, api, routingKey: config.routingKey };
  return { notifier: createPagerDutyNotifier(full), activities: createPagerDutyActivities(full) };
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
