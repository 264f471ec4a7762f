// The `paging:` section: which services page through PagerDuty (each with the environment variable
// that holds its Events API v2 routing key: a secret, so the policy only names where it lives), the
// generic signed webhook for self-hosted on-call tools (its URL and signing secret likewise named by
// variable), which severities page on their own when an incident is declared, and how long a page
// may stay unacknowledged before it escalates to the owning team's manager and then a fallback.

import { z } from 'zod';
import { SEVERITIES, type Severity } from '../incident.js';
import { duration, expectedGot, matching, name } from './values.js';

const envVariable = matching(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name like "PAGERDUTY_PAYMENTS_KEY"');

const pagerDutyService = z.strictObject({ routingKeyEnv: envVariable });

const severity = z.enum(SEVERITIES, { error: (issue) => expectedGot('SEV1 to SEV4', issue.input) });

export const DEFAULT_PAGE_ON: readonly Severity[] = ['SEV1', 'SEV2'];

const webhook = z.strictObject({
  urlEnv: envVariable,
  secretEnv: envVariable,
  /** The services it pages; every service of the policy when absent. */
  services: z.array(name).min(1).optional(),
});

export const pagingSection = z.strictObject({
  pagerduty: z.strictObject({ services: z.record(z.string(), pagerDutyService) }).default(() => ({ services: {} })),
  webhook: webhook.optional(),
  pageOn: z.array(severity).default(() => [...DEFAULT_PAGE_ON]),
  /** Seconds a page may stay unacknowledged, per severity; a severity not listed never escalates. */
  ackWithin: z.partialRecord(severity, duration()).default(() => ({})),
  escalation: z.strictObject({ fallback: name }).optional(),
});

export type PagingPolicy = z.output<typeof pagingSection>;

type Problem = { path: PropertyKey[]; message: string };

/**
 * Paged services must be services the policy defines, and the escalation's fallback a person in
 * some team; the path and message of the first that is not.
 */
export function pagingServiceProblem(paging: PagingPolicy | undefined, services: readonly string[], people: readonly string[] = []): Problem | undefined {
  const defined = `(defined: ${services.join(', ') || 'none'})`;
  for (const service of Object.keys(paging?.pagerduty.services ?? {})) {
    if (!services.includes(service)) return { path: ['paging', 'pagerduty', 'services', service], message: `service "${service}" is not defined under services ${defined}` };
  }
  for (const [i, service] of (paging?.webhook?.services ?? []).entries()) {
    if (!services.includes(service)) return { path: ['paging', 'webhook', 'services', i], message: `service "${service}" is not defined under services ${defined}` };
  }
  const fallback = paging?.escalation?.fallback;
  if (fallback !== undefined && !people.includes(fallback)) {
    return { path: ['paging', 'escalation', 'fallback'], message: `${fallback} is not a member of any team; name a person listed under teams` };
  }
  return undefined;
}
