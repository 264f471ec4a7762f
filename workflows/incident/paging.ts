// `page SERVICE|@team [REASON…]`: a page goes through the incident so the decision point decides it
// (permissions.page; guests never), the timeline says who paged whom and why, and each service's
// trigger gets a dedup key of its own (incident + the page's event sequence), so a retried update or
// activity never pages twice. A team is paged through every paged service it owns. The trigger
// runs beside the queue: PagerDuty's 429 asks for a 30 s wait, and the incident's other updates
// must not queue behind it.

import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { PagerDutyActivities } from '../../activities/pagerduty/page.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import {
  commandPageDedupKey,
  declarationPageText,
  MAX_PAGE_REASON,
  pageAcknowledgedText,
  PAGES_RESOLVED_TEXT,
  type PageResult,
  type ServicePageResult,
} from '../../domain/paging.js';
import { pagedServices, routingKeyEnvOf, webhookPages } from '../../domain/policy/paging-rules.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

// Rate limits and outages are waited out for up to an hour; an event PagerDuty refuses or a service
// without a routing key will not get better by retrying.
const pagerDuty = proxyActivities<PagerDutyActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['PagerDutyEventRefused', 'PagerDutyNotConfigured', 'PagingWebhookRefused'] },
});

function requireShape(rt: IncidentRuntime, i: msg.PageInput): void {
  rt.requireEditable();
  const named = [i.service, i.team].filter((v) => v !== undefined);
  if (named.length !== 1 || typeof named[0] !== 'string' || !named[0].trim()) {
    rt.refuse('InvalidInput', 'A page needs the service or team to page, as in `page payments Database down` or `page @payments Database down`.');
  }
  if (i.reason !== undefined && (typeof i.reason !== 'string' || i.reason.length > MAX_PAGE_REASON)) rt.refuse('InvalidInput', `A page's reason may be at most ${MAX_PAGE_REASON} characters.`);
}

function allPaged(rt: IncidentRuntime): string[] {
  const policy = rt.policy();
  const services = pagedServices(policy.paging, Object.keys(policy.services));
  if (services.length === 0) rt.refuse('InvalidInput', 'Paging is off: add a paging section to the policy file.');
  return services;
}

/** The service as the policy spells it; one that does not page is refused with those that do. */
function pagedService(rt: IncidentRuntime, wanted: string): string {
  const services = allPaged(rt);
  const found = services.find((s) => s.toLowerCase() === wanted.toLowerCase());
  if (!found) rt.refuse('InvalidInput', `${wanted} does not page; page one of ${services.join(', ')}.`);
  return found;
}

/** Every paged service the team owns; a team that owns none is refused with what would work instead. */
function teamServices(rt: IncidentRuntime, wanted: string): { team: string; services: string[] } {
  const policy = rt.policy();
  const paged = allPaged(rt);
  const team = Object.keys(policy.teams).find((t) => t.toLowerCase() === wanted.replace(/^@/, '').toLowerCase());
  const teamsThatPage = Object.keys(policy.teams).filter((t) => paged.some((s) => policy.services[s]?.owners.includes(t)));
  const instead = `page a team that owns one (${teamsThatPage.map((t) => `@${t}`).join(', ') || 'none'}) or a service (${paged.join(', ')})`;
  if (!team) rt.refuse('InvalidInput', `There is no team ${wanted} in the policy; ${instead}.`);
  const services = paged.filter((s) => policy.services[s]?.owners.includes(team));
  if (services.length === 0) rt.refuse('InvalidInput', `Team ${team} owns no service that pages; ${instead}.`);
  return { team, services };
}

/** The pagers that cover a service, for the timeline. */
function pagersOf(rt: IncidentRuntime, service: string): string {
  const policy = rt.policy();
  const pagers = [
    ...(routingKeyEnvOf(policy.paging, service) !== undefined ? ['PagerDuty'] : []),
    ...(webhookPages(policy.paging, service, Object.keys(policy.services)) ? ['the webhook pager'] : []),
  ];
  return pagers.join(' and ');
}

/** Why the trigger did not go through, without the stack: an activity failure wraps PagerDuty's answer. */
function failureText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } })?.cause;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export function registerPagingHandlers(rt: IncidentRuntime): void {
  /** One service's page: on the timeline first, then the trigger beside the queue. */
  async function pageOne(i: msg.PageInput, service: string, reason: string | undefined): Promise<ServicePageResult> {
    const dedupKey = commandPageDedupKey(rt.name, rt.state.nextEventSeq);
    const team = i.team === undefined ? '' : ` (team ${i.team.replace(/^@/, '')})`;
    await rt.record('note', i.actor, `Paged ${service}${team} through ${pagersOf(rt, service)}${reason ? `: ${reason}` : ''}`, {
      details: { page: { service, dedupKey } },
      auditAction: 'incident.page',
    });
    rt.state.pages = { auto: rt.state.pages?.auto ?? false, open: true };
    const page = { incident: rt.name, service, dedupKey, severity: rt.state.severity, title: rt.state.title, pagedBy: rt.personKey(i.actor), ...(reason ? { reason } : {}) };
    rt.track(
      pagerDuty.pageServiceThroughPagerDuty(page).catch((err: unknown) => {
        log.warn('page not delivered', { incident: rt.name, service, dedupKey, error: failureText(err) });
        return rt.serially(() => rt.record('note', SYSTEM_ACTOR, `The page to ${service} did not reach ${pagersOf(rt, service)}: ${failureText(err)}`, { details: { page: { service, dedupKey, failed: true } } }));
      }),
    );
    return { service, dedupKey };
  }

  rt.handle<msg.PageInput, PageResult>(
    msg.pageUpdate,
    (i) => {
      requireShape(rt, i);
      if (!rt.policyLoaded) return;
      if (i.service !== undefined) pagedService(rt, i.service);
      else teamServices(rt, i.team!);
    },
    async (i) => {
      const reason = i.reason?.trim() || undefined;
      if (i.service !== undefined) {
        const page = await pageOne(i, pagedService(rt, i.service), reason);
        return { incident: rt.name, ...page, pages: [page] };
      }
      // Paging a team is newer than the histories of running incidents; the marker keeps them replaying.
      if (!patched('page-escalation')) rt.refuse('InvalidInput', 'Paging a team needs a newer worker; page a service instead.');
      const { team, services } = teamServices(rt, i.team!);
      const pages: ServicePageResult[] = [];
      for (const service of services) pages.push(await pageOne(i, service, reason));
      return { incident: rt.name, service: pages[0]!.service, dedupKey: pages[0]!.dedupKey, team, pages };
    },
    () => rt.decision('page'),
  );
}

/** Guards the timeline notes of automatic paging; histories from before it have none. */
export const AUTO_PAGE_TIMELINE_PATCH = 'auto-page-timeline';

// Automatic pages are sent by the PagerDuty notifier inside the incident's own notification
// activity, which the serial queue awaits: the notifier cannot call back into the incident without
// deadlocking it. So the incident decides the notes itself, from its policy and state, by the same
// rules the notifier pages by (declaration severity in `paging.pageOn`, services some pager covers),
// and keeps what it noted in `state.pages`, which continue-as-new carries: no extra message, no
// extra activity, and a replay writes the same notes under the same event keys.

/** The services the declaration pages on its own: its services some pager covers, when its severity pages. */
function declarationPages(rt: IncidentRuntime): string[] {
  const { paging, services } = rt.policy();
  if (!paging?.pageOn.includes(rt.state.severity)) return [];
  const paged = pagedServices(paging, Object.keys(services));
  return rt.state.services.filter((s) => paged.includes(s));
}

/** After "Triage started": the declaration's own page, when its severity and services page. */
export async function noteDeclarationPage(rt: IncidentRuntime): Promise<void> {
  const services = declarationPages(rt);
  if (services.length === 0 || !patched(AUTO_PAGE_TIMELINE_PATCH)) return;
  await rt.record('note', SYSTEM_ACTOR, declarationPageText(services, rt.state.severity), { details: { page: { services, automatic: true } } });
  rt.state.pages = { auto: true, open: true };
}

/** Taking command acknowledges the declaration's page (the notifier acknowledges it in the pagers). */
export async function notePageAcknowledged(rt: IncidentRuntime): Promise<void> {
  if (!rt.state.pages?.auto || !patched(AUTO_PAGE_TIMELINE_PATCH)) return;
  const commander = rt.state.roles.commander;
  await rt.record('note', SYSTEM_ACTOR, pageAcknowledgedText(commander ? (commander.name ?? commander.id) : 'the commander'), { details: { page: { acknowledged: true } } });
}

/** A resolution resolves every page still open, the declaration's and those of `page` commands. */
export async function notePagesResolved(rt: IncidentRuntime): Promise<void> {
  if (!rt.state.pages?.open || !patched(AUTO_PAGE_TIMELINE_PATCH)) return;
  await rt.record('note', SYSTEM_ACTOR, PAGES_RESOLVED_TEXT, { details: { page: { resolved: true } } });
  rt.state.pages = { ...rt.state.pages, open: false };
}
