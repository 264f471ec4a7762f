// Which route an alert group takes: the policy's routes in order, first match wins, else the
// default route. Pure functions, so the workflow decides the same way when it replays.

import type { Severity } from '../incident.js';
import type { Labels } from './types.js';

export type MatchOp = '=' | '!=' | '=~';

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

/**
 * `declare` opens an incident at once; `triage` first asks a person in the service's Slack channel
 * (Accept declares, Decline records the decision and opens nothing); `notify` only records.
 */
export const ALERT_ACTIONS = ['declare', 'triage', 'notify'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** Routes whose groups may end in an incident: at once, or once a person accepts. */
export function mayDeclare(route: Pick<RouteDecision, 'action' | 'service'>): route is RouteDecision & { service: string } {
  return route.action !== 'notify' && route.service !== undefined;
}

export interface AlertRoute {
  match: LabelMatcher[];
  service: string;
  /** Value of the `severity` label → incident severity. */
  severity: Record<string, Severity>;
  action: AlertAction;
  /** When every alert of a group resolves, mark its incident mitigated instead of asking the commander. */
  autoMitigate?: boolean;
}

export interface DefaultAlertRoute {
  action: AlertAction;
  service?: string;
  severity: Record<string, Severity>;
  autoMitigate?: boolean;
}

export interface RoutingRules {
  routes: AlertRoute[];
  default: DefaultAlertRoute;
}

/** What the group was routed to; `route` is the index in alerts.routes, or "default". */
export interface RouteDecision {
  route: number | 'default';
  action: AlertAction;
  service?: string;
  severity: Severity;
  /** Only present (true) when the route allows it; decisions recorded before it existed lack it. */
  autoMitigate?: true;
}

export const DEFAULT_ALERT_SEVERITY: Severity = 'SEV3';

/**
 * Alertmanager anchors `=~` at both ends (`foo` matches only "foo"), so a matcher means the same
 * here as in the Alertmanager configuration people copy it from.
 */
export function anchoredRegex(value: string): RegExp {
  return new RegExp(`^(?:${value})$`, 'u');
}

/** A missing label matches like an empty one, as in Alertmanager. */
export function matches(matcher: LabelMatcher, labels: Labels): boolean {
  const actual = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return anchoredRegex(matcher.value).test(actual);
  }
}

export function severityFor(mapping: Record<string, Severity>, labels: Labels): Severity {
  const label = labels.severity;
  return (label !== undefined && Object.hasOwn(mapping, label) ? mapping[label] : undefined) ?? DEFAULT_ALERT_SEVERITY;
}

export function routeGroup(rules: RoutingRules, labels: Labels): RouteDecision {
  for (const [i, route] of rules.routes.entries()) {
    if (route.match.every((m) => matches(m, labels))) {
      return {
        route: i,
        action: route.action,
        service: route.service,
        severity: severityFor(route.severity, labels),
        ...(route.autoMitigate ? { autoMitigate: true as const } : {}),
      };
    }
  }
  const fallback = rules.default;
  return {
    route: 'default',
    // A default route without a service has no incident to declare; it can only notify.
    action: fallback.service === undefined ? 'notify' : fallback.action,
    ...(fallback.service !== undefined ? { service: fallback.service } : {}),
    severity: severityFor(fallback.severity, labels),
    ...(fallback.autoMitigate && fallback.service !== undefined ? { autoMitigate: true as const } : {}),
  };
}
