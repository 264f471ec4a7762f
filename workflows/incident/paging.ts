// `page SERVICE [REASON…]`: a page goes through the incident so the decision point decides it
// (permissions.page; guests never), the timeline says who paged whom and why, and the PagerDuty
// trigger gets a dedup key of its own (incident + the page's event sequence), so a retried update or
// activity never pages twice. The trigger runs beside the queue: PagerDuty's 429 asks for a 30 s
// wait, and the incident's other updates must not queue behind it.

import { log, proxyActivities } from '@temporalio/workflow';
import type { PagerDutyActivities } from '../../activities/pagerduty/page.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { commandPageDedupKey, MAX_PAGE_REASON, type PageResult } from '../../domain/paging.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

// Rate limits and outages are waited out for up to an hour; an event PagerDuty refuses or a service
// without a routing key will not get better by retrying.
const pagerDuty = proxyActivities<PagerDutyActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['PagerDutyEventRefused', 'PagerDutyNotConfigured'] },
});

function requireShape(rt: IncidentRuntime, i: msg.PageInput): void {
  rt.requireEditable();
  if (typeof i.service !== 'string' || !i.service.trim()) rt.refuse('InvalidInput', 'A page needs the service to page, as in `page payments Database down`.');
  if (i.reason !== undefined && (typeof i.reason !== 'string' || i.reason.length > MAX_PAGE_REASON)) rt.refuse('InvalidInput', `A page's reason may be at most ${MAX_PAGE_REASON} characters.`);
}

/** The service as the policy spells it; one that does not page is refused with those that do. */
function pagedService(rt: IncidentRuntime, wanted: string): string {
  const services = Object.keys(rt.policy().paging?.pagerduty.services ?? {});
  if (services.length === 0) rt.refuse('InvalidInput', 'Paging is off: add a paging section to the policy file.');
  const found = services.find((s) => s.toLowerCase() === wanted.toLowerCase());
  if (!found) rt.refuse('InvalidInput', `${wanted} does not page through PagerDuty; page one of ${services.join(', ')}.`);
  return found;
}

/** Why the trigger did not go through, without the stack: an activity failure wraps PagerDuty's answer. */
function failureText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } })?.cause;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export function registerPagingHandlers(rt: IncidentRuntime): void {
  rt.handle<msg.PageInput, PageResult>(
    msg.pageUpdate,
    (i) => {
      requireShape(rt, i);
      if (rt.policyLoaded) pagedService(rt, i.service);
    },
    async (i) => {
      const service = pagedService(rt, i.service);
      const reason = i.reason?.trim() || undefined;
      const dedupKey = commandPageDedupKey(rt.name, rt.state.nextEventSeq);
      await rt.record('note', i.actor, `Paged ${service} through PagerDuty${reason ? `: ${reason}` : ''}`, {
        details: { page: { service, dedupKey } },
        auditAction: 'incident.page',
      });
      const page = { incident: rt.name, service, dedupKey, severity: rt.state.severity, title: rt.state.title, pagedBy: rt.personKey(i.actor), ...(reason ? { reason } : {}) };
      rt.track(
        pagerDuty.pageServiceThroughPagerDuty(page).catch((err: unknown) => {
          log.warn('page not delivered to PagerDuty', { incident: rt.name, service, dedupKey, error: failureText(err) });
          return rt.serially(() => rt.record('note', SYSTEM_ACTOR, `The page to ${service} did not reach PagerDuty: ${failureText(err)}`, { details: { page: { service, dedupKey, failed: true } } }));
        }),
      );
      return { incident: rt.name, service, dedupKey };
    },
    () => rt.decision('page'),
  );
}
