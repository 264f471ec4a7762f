import { describe, expect, it } from 'vitest';
import { MAX_ALERTS_PER_DELIVERY, parseAlertmanager, parseGeneric, parseGrafana } from '../../bots/alerts/parse.js';

// A delivery as Alertmanager 0.28 sends it (webhook payload version 4).
const alertmanagerBody = {
  receiver: 'firebreak',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' },
      annotations: { summary: '5xx above 5%' },
      startsAt: '2026-12-05T00:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
      fingerprint: 'c3a6b0f7a9d8e1f2',
    },
    {
      status: 'resolved',
      labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical', instance: 'b' },
      annotations: {},
      startsAt: '2026-12-05T00:00:00.000Z',
      endsAt: '2026-12-05T00:05:00.000Z',
      generatorURL: '',
      fingerprint: 'd4a6b0f7a9d8e1f3',
    },
  ],
  groupLabels: { alertname: 'HighErrorRate' },
  commonLabels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}:{alertname="HighErrorRate"}',
  truncatedAlerts: 0,
};

describe('parsing an Alertmanager delivery', () => {
  it('normalises the group and its alerts', () => {
    const parsed = parseAlertmanager('alertmanager', alertmanagerBody);
    expect(parsed).toEqual({
      ok: true,
      delivery: {
        source: 'alertmanager',
        kind: 'alertmanager',
        groupKey: '{}:{alertname="HighErrorRate"}',
        commonLabels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' },
        truncatedAlerts: 0,
        alerts: [
          {
            fingerprint: 'c3a6b0f7a9d8e1f2',
            status: 'firing',
            labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' },
            annotations: { summary: '5xx above 5%' },
            startsAt: '2026-12-05T00:00:00.000Z',
            url: 'http://prometheus:9090/graph?g0.expr=x',
          },
          {
            fingerprint: 'd4a6b0f7a9d8e1f3',
            status: 'resolved',
            labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical', instance: 'b' },
            annotations: {},
            startsAt: '2026-12-05T00:00:00.000Z',
            endsAt: '2026-12-05T00:05:00.000Z',
          },
        ],
      },
    });
  });

  it('says which field is wrong', () => {
    const problem = (body: unknown) => {
      const parsed = parseAlertmanager('am', body);
      return parsed.ok ? undefined : parsed.problem;
    };
    expect(problem(null)).toMatch(/^body: invalid/);
    expect(problem({ ...alertmanagerBody, groupKey: undefined })).toMatch(/^groupKey: missing/);
    expect(problem({ ...alertmanagerBody, groupKey: '' })).toMatch(/^groupKey: invalid/);
    expect(problem({ ...alertmanagerBody, truncatedAlerts: -1 })).toMatch(/^truncatedAlerts: invalid/);
    expect(problem({ ...alertmanagerBody, alerts: [{ ...alertmanagerBody.alerts[0], status: 'pending' }] })).toMatch(/^alerts\[0\]\.status: invalid/);
    expect(problem({ ...alertmanagerBody, alerts: [{ ...alertmanagerBody.alerts[0], labels: { a: 1 } }] })).toMatch(/^alerts\[0\]\.labels\.a: invalid/);
    const many = Array.from({ length: MAX_ALERTS_PER_DELIVERY + 1 }, (_, i) => ({ ...alertmanagerBody.alerts[0], fingerprint: `f${i}` }));
    expect(problem({ ...alertmanagerBody, alerts: many })).toMatch(/^more than 1000 alerts in one delivery; set max_alerts/);
  });
});

describe('parsing a Grafana delivery', () => {
  it('reads the same shape under version 1, extras ignored, and refuses version 4', () => {
    const grafana = { ...alertmanagerBody, version: '1', orgId: 1, state: 'alerting', title: '[FIRING:2] HighErrorRate', message: 'x' };
    const parsed = parseGrafana('grafana', grafana);
    expect(parsed).toMatchObject({ ok: true, delivery: { source: 'grafana', kind: 'grafana', groupKey: alertmanagerBody.groupKey } });
    expect(parsed.ok && parsed.delivery.alerts).toHaveLength(2);
    expect(parseGrafana('grafana', alertmanagerBody)).toMatchObject({ ok: false, problem: expect.stringMatching(/^version: invalid/) });
    expect(parseAlertmanager('am', grafana)).toMatchObject({ ok: false, problem: expect.stringMatching(/^version: invalid/) });
  });
});

describe('parsing a generic delivery', () => {
  it('makes one alert grouped by its deduplication key, metadata as labels', () => {
    const parsed = parseGeneric('uptime', {
      status: 'firing',
      title: 'Checkout down',
      deduplication_key: 'checkout-probe',
      description: 'probe failed 3 times',
      metadata: { service: 'payments', severity: 'critical', region: 3, public: true },
      source_url: 'https://uptime.example/checks/1',
    });
    expect(parsed).toEqual({
      ok: true,
      delivery: {
        source: 'uptime',
        kind: 'http',
        groupKey: 'checkout-probe',
        commonLabels: { service: 'payments', severity: 'critical', region: '3', public: 'true', alertname: 'Checkout down' },
        truncatedAlerts: 0,
        alerts: [
          {
            fingerprint: 'checkout-probe',
            status: 'firing',
            labels: { service: 'payments', severity: 'critical', region: '3', public: 'true', alertname: 'Checkout down' },
            annotations: { description: 'probe failed 3 times' },
            url: 'https://uptime.example/checks/1',
          },
        ],
      },
    });
    const bad = parseGeneric('uptime', { status: 'firing', title: 'x', deduplication_key: 'k', metadata: { nested: {} } });
    expect(bad).toMatchObject({ ok: false, problem: expect.stringMatching(/^metadata\.nested: invalid/) });
  });
});
