// What `npm run bench:alerts` sends and what it should lead to, decided before anything is sent so
// the expected counts never depend on what the server answered. Pure: no clock, no I/O.
//
// Every group is its own service, so a group that should declare declares exactly one incident
// (no other group may attach to it), and every tenth group matches no route and only notifies.
// New groups arrive over the whole run: each group's first firing delivery (a quarter of the
// groups twice at the same moment, as two Alertmanager replicas or a retry racing the original
// would), and twenty groups later one follow-up for three groups in four: an identical re-send, a
// re-send with one more alert, or the group's resolution. At 200 groups that is exactly 400
// deliveries; a larger budget is filled with identical re-sends of each group's latest state.

import type { Policy } from '../domain/policy/index.js';

export type DeliveryKind = 'first' | 'concurrent' | 'resend' | 'one-more-alert' | 'resolve';

export interface BenchGroup {
  index: number;
  service: string;
  alertname: string;
  groupKey: string;
  declares: boolean;
}

export interface PlannedDelivery {
  group: number;
  kind: DeliveryKind;
  /** Sent together with the delivery before it rather than in a slot of its own. */
  withPrevious: boolean;
  body: AlertmanagerBody;
}

export interface AlertmanagerBody {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

export interface AlertsPlan {
  groups: BenchGroup[];
  deliveries: PlannedDelivery[];
  /** Groups routed `declare` that were sent a firing alert: each must declare exactly one incident. */
  expectedIncidents: number;
}

const NEVER = '0001-01-01T00:00:00Z';

export function benchGroups(run: string, count: number): BenchGroup[] {
  return Array.from({ length: count }, (_, index) => {
    const service = `bench-${run}-${index}`;
    const alertname = `BenchHighLatency${index}`;
    return { index, service, alertname, groupKey: `{}:{alertname="${alertname}", service="${service}"}`, declares: index % 10 !== 9 };
  });
}

/** The policy plus one `declare` route per declaring group's service; the others fall to the notify default. */
export function benchPolicy(base: Policy, groups: BenchGroup[]): Policy {
  const policy = structuredClone(base);
  const alerts = policy.alerts!;
  if (alerts.default.action !== 'notify') throw new Error('the bench expects a notify default route');
  for (const g of groups.filter((g) => g.declares)) {
    policy.services[g.service] = { repo: 'acme/bench', owners: [Object.keys(policy.teams)[0]!] };
    alerts.routes.push({ match: [{ label: 'service', op: '=', value: g.service }], service: g.service, severity: { critical: 'SEV3' }, action: 'declare' });
  }
  return policy;
}

function body(group: BenchGroup, alerts: number, status: 'firing' | 'resolved', startedAt: string, resolvedAt: string): AlertmanagerBody {
  const common = { alertname: group.alertname, service: group.service, severity: 'critical' };
  return {
    version: '4',
    groupKey: group.groupKey,
    truncatedAlerts: 0,
    status,
    receiver: 'firebreak',
    groupLabels: { alertname: group.alertname, service: group.service },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.test',
    alerts: Array.from({ length: alerts }, (_, i) => ({
      status,
      labels: { ...common, instance: `pod-${i}` },
      annotations: { summary: `p99 latency above 2 s on pod-${i}` },
      startsAt: startedAt,
      endsAt: status === 'resolved' ? resolvedAt : NEVER,
      generatorURL: 'http://prometheus.example.test/graph',
      fingerprint: `${group.index.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
    })),
  };
}

/** How many groups' first deliveries come between a group's first delivery and its follow-up (about 2 s at 20/s). */
const FOLLOW_UP_LAG = 20;

/** `total` deliveries over `groupCount` groups; `now` only stamps startsAt/endsAt. */
export function planDeliveries(run: string, groupCount: number, total: number, now: Date): AlertsPlan {
  const groups = benchGroups(run, groupCount);
  const startedAt = new Date(now.getTime() - 60_000).toISOString();
  const resolvedAt = now.toISOString();
  const latest = groups.map((g) => body(g, 1, 'firing', startedAt, resolvedAt));
  const deliveries: PlannedDelivery[] = [];
  const followUp = (g: number) => {
    if (g % 4 === 3) return;
    const kind: DeliveryKind = g % 4 === 1 ? 'one-more-alert' : g % 4 === 2 ? 'resolve' : 'resend';
    if (kind === 'one-more-alert') latest[g] = body(groups[g]!, 2, 'firing', startedAt, resolvedAt);
    if (kind === 'resolve') latest[g] = body(groups[g]!, 1, 'resolved', startedAt, resolvedAt);
    deliveries.push({ group: g, kind, withPrevious: false, body: latest[g]! });
  };
  // New groups keep arriving over the whole run, each followed a little later by its re-send or resolution.
  for (const g of groups) {
    deliveries.push({ group: g.index, kind: 'first', withPrevious: false, body: latest[g.index]! });
    if (g.index % 4 === 3) deliveries.push({ group: g.index, kind: 'concurrent', withPrevious: true, body: latest[g.index]! });
    if (g.index >= FOLLOW_UP_LAG) followUp(g.index - FOLLOW_UP_LAG);
  }
  for (let g = Math.max(0, groupCount - FOLLOW_UP_LAG); g < groupCount; g++) followUp(g);
  // A stride coprime with the group count visits every group once per round, in an order mixing the kinds.
  const stride = coprimeStride(groupCount);
  for (let n = 0; deliveries.length < total; n++) {
    const g = (n * stride) % groupCount;
    deliveries.push({ group: g, kind: 'resend', withPrevious: false, body: latest[g]! });
  }
  const sent = deliveries.slice(0, total);
  const firing = new Set(sent.filter((d) => d.body.status === 'firing').map((d) => d.group));
  return { groups, deliveries: sent, expectedIncidents: groups.filter((g) => g.declares && firing.has(g.index)).length };
}

function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (let s = Math.max(2, Math.floor(n * 0.38)); s < n; s++) if (gcd(s, n) === 1) return s;
  return 1;
}
