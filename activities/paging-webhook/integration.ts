// The webhook pager as the paging activities get it: built from the policy's `paging.webhook`
// (which names the variables holding the URL and the signing secret, never the values) and the
// environment the process started with. The notifier and the `page` activity
// (activities/pagerduty/) send through it wherever they send to PagerDuty.

import type { PagingPolicy } from '../../domain/policy/paging.js';
import type { Logger } from '../../platform/logger.js';
import { createWebhookPager, type WebhookPager } from './client.js';

/** Undefined when the policy has no webhook, or (with a warning) when its variables are unset. */
export function webhookPagerFor(paging: PagingPolicy | undefined, read: (variable: string) => string | undefined, logger: Logger): WebhookPager | undefined {
  const webhook = paging?.webhook;
  if (!webhook) return undefined;
  const url = read(webhook.urlEnv);
  const secret = read(webhook.secretEnv);
  if (!url || !secret) {
    logger.warn({ urlEnv: webhook.urlEnv, secretEnv: webhook.secretEnv, urlSet: Boolean(url), secretSet: Boolean(secret) }, 'paging webhook variables are not set; the webhook pager is off');
    return undefined;
  }
  if (!/^https?:\/\//i.test(url)) {
    logger.warn({ urlEnv: webhook.urlEnv }, 'paging webhook URL is not http(s); the webhook pager is off');
    return undefined;
  }
  return createWebhookPager({ url, secret });
}
