// Automation rules set off by alert groups (issue 17 §4, "alert group fired/resolved"): a group that
// declares an incident from two firing alerts runs its `alert_group_fired` rule once, with the
// group's labels to judge, and the group's full resolution runs the `alert_group_resolved` rule.
// A real worker, the alerts front-end over HTTP and Postgres.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { startAlertsSystem, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';

const FIXTURE = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const RULES = `
rules:
  checkout-fired:
    when: alert_group_fired
    if: { labels: { team: checkout } }
    then:
      - assign_role: { role: scribe, person: bob }
  search-fired:
    when: alert_group_fired
    if: { labels: { team: search } }
    then:
      - assign_role: { role: scribe, person: carol }
  all-resolved:
    when: alert_group_resolved
    then:
      - assign_role: { role: comms, person: alice }
`;

let s: AlertsSystem;
beforeAll(async () => {
  s = await startAlertsSystem({ rules: () => parsePolicy(`${FIXTURE}\n${RULES}`, 'policy.yaml').rules });
});
afterAll(async () => {
  await s?.stop();
});

function alert(service: string, n: number, status: 'firing' | 'resolved') {
  return {
    status,
    labels: { alertname: 'CheckoutErrors', service, team: 'checkout', severity: 'critical', instance: `10.0.0.${n}:8080` },
    annotations: { summary: 'Checkout 5xx above 5%' },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: `c0ffee${n}`,
  };
}

function delivery(groupKey: string, service: string, status: 'firing' | 'resolved') {
  const labels = { service, team: 'checkout' };
  return { receiver: 'firebreak', status, alerts: [alert(service, 1, status), alert(service, 2, status)], groupLabels: labels, commonLabels: { ...labels, alertname: 'CheckoutErrors', severity: 'critical' }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093', version: '4', groupKey, truncatedAlerts: 0 };
}

const ruleLines = async (incident: string) => (await s.timeline(incident)).map((e) => e.text).filter((t) => t.startsWith('Rule '));

it('runs the fired rule once for a group of two firing alerts, judged on its labels, and the resolved rule when they all resolve', async () => {
  const groupKey = `{}:{service="${s.service}"}`;
  expect((await s.post('/alerts/alertmanager', delivery(groupKey, s.service, 'firing'))).status).toBe(202);
  const [incident] = await eventually(async () => {
    const found = await s.incidents();
    return found.length ? found : undefined;
  }, 30_000, 'the declared incident');
  await eventually(async () => (await getIncidentView(s.system, incident!.key)).roles.scribe?.name === 'bob', 30_000, 'bob as scribe');
  await eventually(async () => (await ruleLines(incident!.key)).some((t) => t.startsWith('Rule checkout-fired finished')), 30_000, 'the fired rule finished');

  expect((await s.post('/alerts/alertmanager', delivery(groupKey, s.service, 'resolved'))).status).toBe(202);
  await eventually(async () => (await getIncidentView(s.system, incident!.key)).roles.comms?.name === 'alice', 30_000, 'alice as comms');
  await eventually(async () => (await ruleLines(incident!.key)).some((t) => t.startsWith('Rule all-resolved finished')), 30_000, 'the resolved rule finished');

  const lines = await ruleLines(incident!.key);
  // Two firing alerts, two notes that say so: the rule still ran once. search-fired never matched.
  expect(lines.filter((t) => t.startsWith('Rule checkout-fired started'))).toHaveLength(1);
  expect(lines.filter((t) => t.startsWith('Rule all-resolved started'))).toHaveLength(1);
  expect(lines.filter((t) => t.includes('search-fired'))).toEqual([]);
  expect((await getIncidentView(s.system, incident!.key)).roles.scribe?.name).toBe('bob');
});
