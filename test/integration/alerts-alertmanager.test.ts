// A real Prometheus Alertmanager grouping alerts and delivering them to Firebreak with its own
// webhook notifier (re-sends, resolutions and retries after a 5xx included). Alerts are posted to
// Alertmanager's API as Prometheus posts them; everything after that is Alertmanager's doing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, startAlertsSystem, type Alertmanager, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';

let s: AlertsSystem;
let am: Alertmanager;
beforeAll(async () => {
  s = await startAlertsSystem();
  am = await startAlertmanager(`${s.server.url}/alerts/alertmanager`, { ownReceiverFor: s.otherService });
});
afterAll(async () => {
  await am?.stop();
  await s?.stop();
});

const WAIT_MS = 30_000;
const alertname = (what: string) => `${what}${randomUUID().slice(0, 6)}`;

function alerts(name: string, service: string, instances: string[], resolved = false) {
  return instances.map((instance) => ({
    labels: { alertname: name, service, severity: 'critical', instance },
    annotations: { summary: `${name} on ${instance}`, runbook: 'mail oncall@example.com' },
    resolved,
  }));
}

/** The one incident of `service`, once its notes match `pattern` `count` times. */
async function incidentWithNotes(service: string, pattern: string, count: number) {
  return eventually(
    async () => {
      const rows = await s.incidents(service);
      if (rows.length !== 1) return rows.length > 1 ? Promise.reject(new Error(`${rows.length} incidents for ${service}`)) : undefined;
      const notes = await s.timeline(rows[0]!.key, pattern);
      return notes.length === count ? rows[0]! : undefined;
    },
    WAIT_MS,
    `${count} notes like ${pattern} on the incident of ${service}`,
  );
}

/** Waits for `n` more deliveries Alertmanager sends (re-sends at repeat_interval included). */
async function moreDeliveries(n: number): Promise<void> {
  const target = s.answered.length + n;
  await eventually(async () => s.answered.length >= target, WAIT_MS, `${n} more deliveries`);
}

describe('alerts from a real Alertmanager', () => {
  let incident: string;
  const first = alertname('HighErrorRate');

  it('declares exactly one incident for a group of two alerts, with both on its timeline; re-sends add nothing', async () => {
    await am.fire(alerts(first, s.service, ['a', 'b']));
    const row = await incidentWithNotes(s.service, `Alert ${first} firing%`, 2);
    incident = row.key;
    expect(row).toMatchObject({ severity: 'SEV2', source: 'alerts', title: `Alert: ${first}`, services: [s.service] });
    const notes = await s.timeline(incident, `Alert ${first} firing%`);
    // Annotations reach the timeline redacted.
    for (const note of notes) expect(note.text).not.toContain('oncall@example.com');
    // Alertmanager re-sends the unchanged group every repeat_interval; Prometheus re-posts too.
    await am.fire(alerts(first, s.service, ['a', 'b']));
    await moreDeliveries(2);
    expect(await s.incidents()).toHaveLength(1);
    expect(await s.timeline(incident, `Alert ${first}%`)).toHaveLength(2);
    const view = await s.groupById(row.sourceRef!);
    expect(view).toMatchObject({ incident, attached: false, notes: 2, route: { action: 'declare', service: s.service, severity: 'SEV2' } });
    expect(view!.deliveries).toBeGreaterThanOrEqual(3);
  });

  it('attaches a second group for the same service to the open incident', async () => {
    const second = alertname('LatencyHigh');
    await am.fire(alerts(second, s.service, ['c']));
    await incidentWithNotes(s.service, `Alert ${second} firing%`, 1);
    expect((await s.incidents()).map((r) => r.key)).toEqual([incident]);
  });

  it('notes once that every alert of the group is resolved and leaves the incident open', async () => {
    await am.fire(alerts(first, s.service, ['a', 'b'], true));
    await incidentWithNotes(s.service, `All 2 alerts of this group are resolved%`, 1);
    expect(await s.timeline(incident, `Alert ${first} resolved%`)).toHaveLength(2);
    await moreDeliveries(1);
    expect(await s.timeline(incident, `All 2 alerts of this group are resolved%`)).toHaveLength(1);
    const [row, ...others] = await s.incidents();
    expect(others).toEqual([]);
    expect(row).toMatchObject({ key: incident, mitigatedAt: null, resolvedAt: null });
  });

  it('still declares once when Firebreak answers the first delivery with a 5xx and Alertmanager retries', async () => {
    const name = alertname('DiskFull');
    // Only this group goes to the receiver that fails, so no other group's re-send takes the 503.
    s.failNext(1, s.otherService);
    await am.fire(alerts(name, s.otherService, ['d']));
    const row = await incidentWithNotes(s.otherService, `Alert ${name} firing%`, 1);
    const answers = s.answeredTo(s.otherService);
    expect(answers[0]).toBe(503);
    expect(answers[1]).toBe(202);
    expect(row).toMatchObject({ severity: 'SEV2', title: `Alert: ${name}` });
    await moreDeliveries(1);
    expect(await s.incidents(s.otherService)).toHaveLength(1);
    expect(await s.timeline(row.key, `Alert ${name}%`)).toHaveLength(1);
  });

  it('delivers a group of 10,000 alerts that Firebreak accepts, keeping 1000 and counting 9000 into truncatedAlerts', async () => {
    // A service no route names: the default route records the group and declares nothing.
    const service = `crowd-${randomUUID().slice(0, 8)}`;
    const name = alertname('KubePodCrashLooping');
    const crowd = Array.from({ length: 10_000 }, (_, i) => {
      const pod = `checkout-api-7d9f8c6b5-${i.toString(36).padStart(5, 'x')}`;
      return {
        labels: { alertname: name, service, severity: 'warning', cluster: 'prod-eu-west-1', container: 'checkout-api', job: 'kube-state-metrics', namespace: 'checkout', pod, reason: 'CrashLoopBackOff', uid: randomUUID() },
        annotations: {
          description: `Pod checkout/${pod} (checkout-api) is in waiting state (reason: "CrashLoopBackOff").`,
          runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
          summary: 'Pod is crash looping.',
        },
      };
    });
    await am.fire(crowd);
    // Alertmanager's groupKey for the root route grouping by alertname and service. Its first flush
    // may hold only the alerts ingested by then; a later one holds all 10,000.
    const groupKey = `{}:{alertname="${name}", service="${service}"}`;
    const view = await eventually(
      async () => {
        const v = await s.group('alertmanager', groupKey);
        return v?.truncatedAlerts === 9000 ? v : undefined;
      },
      WAIT_MS,
      'a delivery of all 10,000',
    );
    expect(s.answered).not.toContain(400);
    expect(s.answered).not.toContain(413);
    expect(view).toMatchObject({ route: { route: 'default', action: 'notify' } });
    // Each delivery brings at most 1000; an earlier, partial flush may have brought others.
    expect(view.alerts.length).toBeGreaterThanOrEqual(1000);
    expect(view.alerts.length).toBeLessThan(10_000);
    expect(await s.incidents(service)).toEqual([]);
    // Resolved, so Alertmanager stops re-sending a 10 MB group for the rest of the file.
    await am.fire(crowd.map((a) => ({ ...a, resolved: true })));
  });
});
