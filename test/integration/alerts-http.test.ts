// The generic HTTP alert source (and a signed Grafana delivery) end to end over a real worker: a firing alert declares one
// incident for its routed service, re-sends add nothing, a resolution is written once followed by
// the "all resolved" note, and the incident stays open. A notify route declares nothing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaHeaders, startAlertsSystem, UPTIME_TOKEN, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';
import * as alerts from '../../workflows/alert-group/messages.js';

let s: AlertsSystem;
beforeAll(async () => {
  // Resolved groups end after 2 s here, so a test sees a group end and a later firing start afresh.
  s = await startAlertsSystem({ closeResolvedGroupsAfterSeconds: 2 });
});
afterAll(async () => {
  await s?.stop();
});

const post = (body: Record<string, unknown>) => s.post('/alerts/http/uptime', body, UPTIME_TOKEN);

async function settled(key: string, deliveries: number) {
  return eventually(async () => {
    const view = await s.group('uptime', key);
    // Notes are written before the next delivery is applied; the count says all were applied.
    return view && view.deliveries === deliveries ? view : undefined;
  });
}

describe('generic HTTP alerts', () => {
  it('declare once, note each change once and ask the commander on resolution', async () => {
    const key = `probe-${randomUUID()}`;
    const firing = { status: 'firing', title: 'CheckoutProbe', deduplication_key: key, description: 'mail ops@example.com', metadata: { service: s.service, severity: 'critical' } };
    expect(await post(firing)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect((await post(firing)).status).toBe(202);
    const view = await settled(key, 2);
    expect(view).toMatchObject({ route: { action: 'declare', service: s.service, severity: 'SEV2' }, attached: false, notes: 1 });
    const [incident, ...others] = await s.incidents();
    expect(others).toEqual([]);
    expect(incident).toMatchObject({ key: view.incident, severity: 'SEV2', title: 'Alert: CheckoutProbe', source: 'alerts', mitigatedAt: null, resolvedAt: null });
    const notes = await s.timeline(view.incident!, 'Alert CheckoutProbe%');
    expect(notes).toHaveLength(1);
    // Annotations are redacted before they reach the timeline.
    expect(notes[0]!.text).not.toContain('ops@example.com');

    expect((await post({ ...firing, status: 'resolved' })).status).toBe(202);
    expect((await post({ ...firing, status: 'resolved' })).status).toBe(202);
    await settled(key, 4);
    expect(await s.timeline(view.incident!, 'Alert CheckoutProbe resolved%')).toHaveLength(1);
    expect(await s.timeline(view.incident!, 'All 1 alert of this group are resolved%')).toHaveLength(1);
    // Nothing is mitigated or resolved automatically.
    expect(await s.incidents()).toEqual([expect.objectContaining({ key: view.incident, mitigatedAt: null, resolvedAt: null })]);
  });

  it('ends a group resolved for a while; its next firing is a new run that attaches to the open incident', async () => {
    const key = `flap-${randomUUID()}`;
    const firing = { status: 'firing', title: 'FlappingProbe', deduplication_key: key, metadata: { service: s.service } };
    expect((await post(firing)).status).toBe(202);
    const first = await settled(key, 1);
    expect(first.incident).toBeDefined();
    expect((await post({ ...firing, status: 'resolved' })).status).toBe(202);
    const handle = s.system.client.workflow.getHandle(alerts.alertGroupWorkflowId('uptime', key));
    const ended = await handle.result();
    expect(ended).toMatchObject({ incident: first.incident, alerts: [{ fingerprint: key, status: 'resolved' }], resolvedNoted: true });
    expect((await post(firing)).status).toBe(202);
    const second = await settled(key, 1);
    expect(second).toMatchObject({ incident: first.incident, attached: true, notes: 1 });
    // The new run's note is on its way once its delivery is applied; wait for the row itself.
    await eventually(async () => (await s.timeline(first.incident!, 'Alert FlappingProbe firing%')).length === 2);
    expect((await s.incidents()).filter((r) => r.key === first.incident)).toHaveLength(1);
  });

  it('declares once when several groups of one service arrive at the same moment', async () => {
    const keys = Array.from({ length: 4 }, (_, i) => `burst-${i}-${randomUUID()}`);
    const answers = await Promise.all(keys.map((key) => post({ status: 'firing', title: 'Burst', deduplication_key: key, metadata: { service: s.thirdService } })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const views = await Promise.all(keys.map((key) => eventually(async () => (await s.group('uptime', key))?.incident !== undefined && s.group('uptime', key))));
    const [incident, ...others] = await s.incidents(s.thirdService);
    expect(others).toEqual([]);
    expect(views.map((v) => v && v.incident)).toEqual(keys.map(() => incident!.key));
    await eventually(async () => (await s.timeline(incident!.key, 'Alert Burst firing%')).length === 4);
  });

  it('records a notify route without declaring', async () => {
    const key = `search-${randomUUID()}`;
    expect((await post({ status: 'firing', title: 'SlowQueries', deduplication_key: key, metadata: { team: 'search', env: 'prod' } })).status).toBe(202);
    const view = await settled(key, 1);
    const searchRoute = s.system.policy.alerts!.routes.findIndex((r) => r.service === 'search');
    expect(view).toMatchObject({ route: { route: searchRoute, action: 'notify', service: 'search' }, alerts: [{ fingerprint: key, status: 'firing' }] });
    expect(view.incident).toBeUndefined();
  });

  it('accepts a signed Grafana delivery and declares for its routed service', async () => {
    const groupKey = `{}/{__grafana_autogenerated__="true"}:{alertname="QueueBacklog${randomUUID().slice(0, 6)}"}`;
    const labels = { alertname: 'QueueBacklog', service: s.otherService, severity: 'warning' };
    const body = JSON.stringify({
      receiver: 'firebreak',
      status: 'firing',
      orgId: 1,
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: 'backlog over 10k' },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'https://grafana.example.test/alerting/grafana/abc/view',
          fingerprint: '57c6d9296de2ad39',
          silenceURL: 'https://grafana.example.test/alerting/silence/new',
          dashboardURL: '',
          panelURL: '',
          values: { B: 10250, C: 1 },
        },
      ],
      groupLabels: { alertname: 'QueueBacklog' },
      commonLabels: labels,
      commonAnnotations: { summary: 'backlog over 10k' },
      externalURL: 'https://grafana.example.test/',
      version: '1',
      groupKey,
      truncatedAlerts: 0,
      title: '[FIRING:1] QueueBacklog',
      state: 'alerting',
      message: '**Firing**',
    });
    expect(await s.post('/alerts/grafana', body, null, grafanaHeaders(body))).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const view = await eventually(async () => {
      const v = await s.group('grafana', `org:1/${groupKey}`);
      return v?.incident ? v : undefined;
    });
    expect(view).toMatchObject({ route: { action: 'declare', service: s.otherService, severity: 'SEV4' }, notes: 1 });
    expect(await s.incidents(s.otherService)).toEqual([expect.objectContaining({ key: view.incident, severity: 'SEV4', source: 'alerts' })]);
    // The note row, rather than the count the workflow keeps, says the note was written.
    await eventually(async () => (await s.timeline(view.incident!, 'Alert QueueBacklog firing%')).length === 1);
  });
});
