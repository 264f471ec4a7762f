// PagerDuty's Events API: where events go (PAGERDUTY_EVENTS_URL, the real API unless a test or a
// proxy says otherwise) and the routing keys the policy's paging section names by variable; the
// webhook pager's URL and signing secret are read through the same reader from the variables
// `paging.webhook` names. All are secrets kept out of the policy file, so they are read here, from
// the environment the process started with, when a page needs one.

import { HTTP, read, readUrl, type Env } from './parse.js';

export interface PagerDutyConfig {
  /** Base URL; events are POSTed to `${eventsUrl}/v2/enqueue`. */
  eventsUrl: string;
  /** The value (a routing key, the webhook's URL or secret) held by the variable the policy names, or undefined when it is unset or blank. */
  routingKey(variable: string): string | undefined;
}

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

export function readPagerDuty(env: Env): PagerDutyConfig {
  const eventsUrl = (readUrl(env, 'PAGERDUTY_EVENTS_URL', HTTP) ?? DEFAULT_PAGERDUTY_EVENTS_URL).replace(/\/+$/, '');
  // A copy, so a later change to process.env cannot swap a key under a running worker.
  const snapshot: Env = { ...env };
  return { eventsUrl, routingKey: (variable) => read(snapshot, variable) };
}
