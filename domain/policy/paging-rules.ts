// Who pages for a service, read from a parsed `paging:` section. Apart from the schema (paging.ts)
// because workflow code calls these: every module a workflow imports is evaluated again for each
// workflow the worker holds in memory, and zod's schemas are the heaviest part of that.

import type { PagingPolicy } from './paging.js';

/** The environment variable holding `service`'s routing key, if the service pages at all. */
export function routingKeyEnvOf(paging: PagingPolicy | undefined, service: string): string | undefined {
  return paging?.pagerduty.services[service]?.routingKeyEnv;
}

/** Whether the webhook pager pages `service`. */
export function webhookPages(paging: PagingPolicy | undefined, service: string, allServices: readonly string[]): boolean {
  const webhook = paging?.webhook;
  if (!webhook) return false;
  return (webhook.services ?? allServices).includes(service);
}

/** Every service some pager pages, in the policy's order. */
export function pagedServices(paging: PagingPolicy | undefined, allServices: readonly string[]): string[] {
  return allServices.filter((s) => routingKeyEnvOf(paging, s) !== undefined || webhookPages(paging, s, allServices));
}
