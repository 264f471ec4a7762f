// The `paging:` section: which services page through PagerDuty (each with the environment variable
// that holds its Events API v2 routing key: a secret, so the policy only names where it lives) and
// which severities page on their own when an incident is declared.

import { z } from 'zod';
import { SEVERITIES, type Severity } from '../incident.js';
import { expectedGot, matching } from './values.js';

const envVariable = matching(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name like "PAGERDUTY_PAYMENTS_KEY"');

const pagerDutyService = z.strictObject({ routingKeyEnv: envVariable });

const severity = z.enum(SEVERITIES, { error: (issue) => expectedGot('SEV1 to SEV4', issue.input) });

export const DEFAULT_PAGE_ON: readonly Severity[] = ['SEV1', 'SEV2'];

export const pagingSection = z.strictObject({
  pagerduty: z.strictObject({ services: z.record(z.string(), pagerDutyService) }),
  pageOn: z.array(severity).default(() => [...DEFAULT_PAGE_ON]),
});

export type PagingPolicy = z.output<typeof pagingSection>;

/** Paged services must be services the policy defines; the path and message of the first that is not. */
export function pagingServiceProblem(paging: PagingPolicy | undefined, services: readonly string[]): { path: PropertyKey[]; message: string } | undefined {
  for (const service of Object.keys(paging?.pagerduty.services ?? {})) {
    if (!services.includes(service)) {
      return { path: ['paging', 'pagerduty', 'services', service], message: `service "${service}" is not defined under services (defined: ${services.join(', ') || 'none'})` };
    }
  }
  return undefined;
}

/** The environment variable holding `service`'s routing key, if the service pages at all. */
export function routingKeyEnvOf(paging: PagingPolicy | undefined, service: string): string | undefined {
  return paging?.pagerduty.services[service]?.routingKeyEnv;
}
