// A delivery whose sender left alerts out (Alertmanager's `truncatedAlerts`, from its `max_alerts`)
// is told to the group's incident once per increase, so responders know the group tracks only part
// of what fires; the same count again adds nothing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertsSystem, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';

let s: AlertsSystem;
beforeAll(async () => {
  s = await startAlertsSystem();
});
afterAll(async () => {
  await s?.stop();
});

function alert(service: string, i: number) {
  return {
    status: 'firing',
    labels: { alertname: 'DiskFull', service, severity: 'critical', instance: `db-${i}` },
    annotations: { summary: 'Disk is full.' },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: (0xabcdef00n + BigInt(i)).toString(16),
  };
}

function delivery(groupKey: string, service: string, count: number, truncatedAlerts: number) {
  const alerts = Array.from({ length: count }, (_, i) => alert(service, i));
  return { receiver: 'firebreak', status: 'firing', alerts, groupLabels: {}, commonLabels: { service }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093', version: '4', groupKey, truncatedAlerts };
}

describe('a truncated delivery', () => {
  it('is noted on the incident once per increase in what the sender left out', async () => {
    const groupKey = `{}:{alertname="DiskFull-${randomUUID()}"}`;
    const noted = async (incident: string) => (await s.timeline(incident, 'Alertmanager left %')).map((e) => e.text);

    expect((await s.post('/alerts/alertmanager', delivery(groupKey, s.service, 2, 40))).status).toBe(202);
    const { incident } = await eventually(async () => {
      const view = await s.group('alertmanager', groupKey);
      return view?.incident && view.deliveries === 1 && view.notes >= 3 ? view : undefined;
    });
    expect(await noted(incident!)).toEqual([
      "Alertmanager left 40 alerts out of this group's delivery (max_alerts, or past Firebreak's per-delivery limit); only the first 2 alerts received are tracked.",
    ]);

    // The same truncation again tells nothing new; more left out is noted once more.
    expect((await s.post('/alerts/alertmanager', delivery(groupKey, s.service, 3, 40))).status).toBe(202);
    expect((await s.post('/alerts/alertmanager', delivery(groupKey, s.service, 3, 75))).status).toBe(202);
    await eventually(async () => ((await s.group('alertmanager', groupKey))?.deliveries === 3 ? true : undefined));
    const texts = await eventually(async () => {
      const found = await noted(incident!);
      return found.length === 2 ? found : undefined;
    });
    expect(texts[1]).toBe("Alertmanager left 75 alerts out of this group's delivery (max_alerts, or past Firebreak's per-delivery limit); only the first 3 alerts received are tracked.");
  });
});
