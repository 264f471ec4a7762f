// The `alerts:` section: which sources may post alerts (and the environment variable holding each
// one's token), how alert groups are routed to services, and how long a new group attaches to a
// service's open incident instead of declaring another.

import { z } from 'zod';
import { SEVERITIES } from '../incident.js';
import { ALERT_SOURCE_KINDS } from '../alerts/types.js';
import { ALERT_ACTIONS, anchoredRegex } from '../alerts/routing.js';
import { clockMinutes, isTimeZone, WEEKDAYS } from '../alerts/windows.js';
import { duration, expectedGot, matching, name } from './values.js';

const envName = matching(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name like "ALERTMANAGER_TOKEN"');
const labelName = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a label name like "severity"');

const source = z
  .strictObject({
    kind: z.enum(ALERT_SOURCE_KINDS, { error: (issue) => expectedGot(ALERT_SOURCE_KINDS.join(', '), issue.input) }),
    // The token (for Grafana, the HMAC secret) never sits in the policy file.
    tokenEnv: envName,
    // Grafana signs `timestamp:body` instead of the body when its contact point names a timestamp header.
    timestampHeader: matching(/^[A-Za-z0-9-]{1,100}$/, 'an HTTP header name like "X-Grafana-Alerting-Signature-Timestamp"').optional(),
  })
  .superRefine((s, ctx) => {
    if (s.timestampHeader !== undefined && s.kind !== 'grafana') {
      ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message: 'only a grafana source signs with a timestamp' });
    }
  });

const matcher = z
  .strictObject({
    label: labelName,
    op: z.enum(['=', '!=', '=~'], { error: (issue) => expectedGot('"=", "!=" or "=~"', issue.input) }),
    value: z.string({ error: (issue) => expectedGot('text', issue.input) }),
  })
  .superRefine((m, ctx) => {
    if (m.op !== '=~') return;
    try {
      anchoredRegex(m.value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `not a valid regular expression (${(err as Error).message})` });
    }
  });

const severityMap = z.record(z.string(), z.enum(SEVERITIES, { error: (issue) => expectedGot('SEV1 to SEV4', issue.input) })).default(() => ({}));
const action = z.enum(ALERT_ACTIONS, { error: (issue) => expectedGot('"declare", "triage" or "notify"', issue.input) });

// Off unless a route says so: nothing is mitigated without a person, unless the policy decided it.
const autoMitigate = z.boolean({ error: (issue) => expectedGot('true or false', issue.input) }).optional();

const route = z.strictObject({ match: z.array(matcher).min(1), service: name, severity: severityMap, action, autoMitigate });

const defaultRoute = z
  .strictObject({ action, service: name.optional(), severity: severityMap, autoMitigate })
  .superRefine((r, ctx) => {
    if (r.action !== 'notify' && r.service === undefined) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: `missing; a default route that ${r.action === 'triage' ? 'triages' : 'declares'} needs the service to declare for` });
    }
  });

// Suppression windows live under alerts (not under each service): they are about what alerts may
// declare, read next to the routes they hold back, and a maintenance announcement often names
// several services at once, each one entry here.
const isoInstant = z.string({ error: (issue) => expectedGot('an ISO 8601 time with an offset like "2026-01-10T22:00:00Z"', issue.input) }).refine(
  (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  { error: (issue) => expectedGot('an ISO 8601 time with an offset like "2026-01-10T22:00:00Z"', issue.input) },
);
const clock = matching(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time like "22:00"');
const weekday = z.enum(WEEKDAYS, { error: (issue) => expectedGot(WEEKDAYS.join(', '), issue.input) });
const timeZone = z
  .string({ error: (issue) => expectedGot('an IANA time zone like "Europe/Paris"', issue.input) })
  .refine(isTimeZone, { error: (issue) => expectedGot('an IANA time zone like "Europe/Paris"', issue.input) });

const maintenance = z
  .strictObject({ from: isoInstant, to: isoInstant, reason: matching(/\S/, 'a reason people will read') })
  .superRefine((m, ctx) => {
    if (Date.parse(m.to) <= Date.parse(m.from)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${m.from})` });
  });

const quietHours = z
  .strictObject({ days: z.array(weekday).min(1, 'needs at least one day'), from: clock, to: clock, timeZone })
  .superRefine((q, ctx) => {
    if (clockMinutes(q.from) === clockMinutes(q.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must differ from from; quiet hours last less than a day' });
  });

const suppression = z
  .strictObject({ service: name, maintenance: maintenance.optional(), quietHours: quietHours.optional() })
  .superRefine((w, ctx) => {
    if ((w.maintenance === undefined) === (w.quietHours === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs exactly one of maintenance: {from, to, reason} or quietHours: {days, from, to, timeZone}' });
    }
  })
  .transform((w) => (w.maintenance ? { service: w.service, maintenance: w.maintenance } : { service: w.service, quietHours: w.quietHours! }));

export const alertsSection = z
  .strictObject({
    sources: z.record(name, source).default(() => ({})),
    routes: z.array(route).default(() => []),
    default: defaultRoute.prefault({ action: 'notify' }),
    // Windows in which declare and triage routes of a service hold their declaration (recorded)
    // until the window ends, and declare then if the group still fires.
    suppress: z.array(suppression).default(() => []),
    attachWindow: duration().default(2 * 3600),
    // A group resolved this long with no new firing ends its workflow; a later firing starts afresh.
    closeResolvedGroupsAfter: duration().default(3600),
  })
  .transform(({ attachWindow, closeResolvedGroupsAfter, ...rest }) => ({
    ...rest,
    attachWindowSeconds: attachWindow,
    closeResolvedGroupsAfterSeconds: closeResolvedGroupsAfter,
  }));

export type AlertsPolicy = z.output<typeof alertsSection>;

/** Routes must name services the policy defines; the path and message of the first that does not. */
export function alertServiceProblem(alerts: AlertsPolicy | undefined, services: readonly string[]): { path: PropertyKey[]; message: string } | undefined {
  if (!alerts) return undefined;
  const unknown = (service: string) => `service "${service}" is not defined under services (defined: ${services.join(', ') || 'none'})`;
  for (const [i, r] of alerts.routes.entries()) {
    if (!services.includes(r.service)) return { path: ['alerts', 'routes', i, 'service'], message: unknown(r.service) };
  }
  for (const [i, w] of alerts.suppress.entries()) {
    if (!services.includes(w.service)) return { path: ['alerts', 'suppress', i, 'service'], message: unknown(w.service) };
  }
  const fallback = alerts.default.service;
  if (fallback !== undefined && !services.includes(fallback)) return { path: ['alerts', 'default', 'service'], message: unknown(fallback) };
  return undefined;
}
