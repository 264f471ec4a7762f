// What a delivery changes in a group: only alerts that are new or whose status flipped. Alertmanager
// re-sends the whole group every group_interval/repeat_interval and retries failed deliveries, so
// most deliveries change nothing, and nothing must be written for them.

import type { RouteDecision } from './routing.js';
import type { AlertStatus, NormalisedAlert } from './types.js';

export interface AlertChange {
  alert: NormalisedAlert;
  /** The status before this delivery; undefined for an alert this group has not seen. */
  was?: AlertStatus;
}

/** fingerprint → last known status. */
export type KnownAlerts = Record<string, AlertStatus>;

/** The changes `alerts` bring, and the known statuses after them. The input is not modified. */
export function applyAlerts(known: KnownAlerts, alerts: readonly NormalisedAlert[]): { changes: AlertChange[]; known: KnownAlerts } {
  const next: KnownAlerts = { ...known };
  const changes: AlertChange[] = [];
  for (const alert of alerts) {
    const was = next[alert.fingerprint];
    if (was === alert.status) continue;
    next[alert.fingerprint] = alert.status;
    changes.push(was === undefined ? { alert } : { alert, was });
  }
  return { changes, known: next };
}

/** Every alert the group has seen is resolved (and it has seen one). */
export function allResolved(known: KnownAlerts): boolean {
  const statuses = Object.values(known);
  return statuses.length > 0 && statuses.every((s) => s === 'resolved');
}

export function firingCount(known: KnownAlerts): number {
  return Object.values(known).filter((s) => s === 'firing').length;
}

const MAX_VALUE = 200;
const clip = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);
const pairs = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${clip(labels[k]!)}`)
    .join(', ');

/**
 * The timeline line for one change. Labels and annotations may carry anything a rule author put
 * there (hostnames, emails, tokens in URLs); the activity redacts this text before it is sent.
 */
export function changeNote(change: AlertChange): string {
  const { alert } = change;
  const name = alert.labels.alertname ?? alert.fingerprint;
  const verb = alert.status === 'firing' ? (change.was === 'resolved' ? 'fired again' : 'firing') : 'resolved';
  const lines = [`Alert ${name} ${verb} (fingerprint ${alert.fingerprint})`];
  if (Object.keys(alert.labels).length > 0) lines.push(`labels: ${pairs(alert.labels)}`);
  if (Object.keys(alert.annotations).length > 0) lines.push(`annotations: ${pairs(alert.annotations)}`);
  if (alert.url) lines.push(`source: ${clip(alert.url)}`);
  return lines.join('\n');
}

const alertsCounted = (n: number) => `${n} alert${n === 1 ? '' : 's'}`;

export function allResolvedNote(alertCount: number): string {
  return `All ${alertsCounted(alertCount)} of this group are resolved. Commander: if the incident is mitigated, mark it so (\`/incident mitigated\`); nothing is resolved automatically.`;
}

/**
 * How every "all resolved" note begins, whatever its count: the Slack notifier recognises the note
 * by it and puts the Mark mitigated button under it.
 */
export const ALL_RESOLVED_NOTE_START = /^All \d+ alerts? of this group are resolved\./;

/** How the timeline names the route a group took, as the policy file spells it. */
export function routeName(decision: Pick<RouteDecision, 'route' | 'service'>): string {
  const where = decision.route === 'default' ? 'alerts.default' : `alerts.routes[${decision.route}]`;
  return decision.service === undefined ? where : `${where} (service ${decision.service})`;
}

/** The text of the mitigation a route with `autoMitigate: true` makes when its group resolves. */
export function autoMitigatedNote(alertCount: number, decision: Pick<RouteDecision, 'route' | 'service'>): string {
  return `Auto-mitigated: all ${alertsCounted(alertCount)} of an alert group resolved, and its route ${routeName(decision)} has autoMitigate: true. Monitoring; resolve the incident when it holds.`;
}

/** The incident title for a group that declares one. */
export function groupTitle(labels: Record<string, string>, fallback: string): string {
  const name = labels.alertname ?? fallback;
  return clip(`Alert: ${name}`);
}
