// Outbound webhooks as the worker composes them: the notifier that turns incident notices into
// webhook events, built when the policy has subscribers. The delivery activities themselves are
// always registered (createActivities), so automation rules and replays find them either way.

import type { Outbound, OutboundContext } from '../outbound.js';
import { createWebhookNotifier } from './feed.js';

export function createWebhooksOutbound(ctx: OutboundContext): Outbound | undefined {
  if (Object.keys(ctx.policy.webhooks?.subscribers ?? {}).length === 0) return undefined;
  const logger = ctx.logger.child({ integration: 'webhooks' });
  return { name: 'webhooks', notifiers: [createWebhookNotifier({ db: ctx.db, policy: () => ctx.policy, logger })], triageSources: [] };
}
