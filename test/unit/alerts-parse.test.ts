import { describe, expect, it } from 'vitest';
import { MAX_ALERT_BYTES_PER_DELIVERY, MAX_ALERTS_PER_DELIVERY, parseAlertmanager, parseGeneric, parseGrafana } from '../../bots/alerts/parse.js';

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
      cut: 0,
      duplicates: 0,
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
    expect(problem({ ...alertmanagerBody, alerts: [{ ...alertmanagerBody.alerts[0], annotations: { huge: 'x'.repeat(MAX_ALERT_BYTES_PER_DELIVERY) } }] })).toMatch(
      /^alerts\[0\]: larger than 1048576 bytes on its own/,
    );
  });

  it('keeps the first 1000 alerts of a bigger delivery and counts the rest into truncatedAlerts', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ ...alertmanagerBody.alerts[0], fingerprint: `f${i}` }));
    const parsed = parseAlertmanager('am', { ...alertmanagerBody, truncatedAlerts: 5, alerts: many });
    expect(parsed).toMatchObject({ ok: true, cut: 9000, duplicates: 0, delivery: { truncatedAlerts: 9005 } });
    const alerts = parsed.ok ? parsed.delivery.alerts : [];
    expect(alerts).toHaveLength(MAX_ALERTS_PER_DELIVERY);
    expect(alerts.map((a) => a.fingerprint)).toEqual(many.slice(0, MAX_ALERTS_PER_DELIVERY).map((a) => a.fingerprint));
    // The alerts past the limit are counted, not checked: one malformed among them refuses nothing.
    many[5000] = { ...many[5000]!, status: 'pending' };
    expect(parseAlertmanager('am', { ...alertmanagerBody, alerts: many })).toMatchObject({ ok: true, cut: 9000 });
  });

  it('keeps fewer alerts when their labels are big, so the group\'s signal stays bounded', () => {
    const big = (i: number) => ({ ...alertmanagerBody.alerts[0], fingerprint: `f${i}`, annotations: { description: 'd'.repeat(4096) } });
    const parsed = parseAlertmanager('am', { ...alertmanagerBody, alerts: Array.from({ length: 1000 }, (_, i) => big(i)) });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(JSON.stringify(parsed.delivery.alerts).length).toBeLessThanOrEqual(MAX_ALERT_BYTES_PER_DELIVERY);
    expect(parsed.delivery.alerts.length).toBeGreaterThan(200);
    expect(parsed.delivery.alerts.length + parsed.cut).toBe(1000);
    expect(parsed.delivery.truncatedAlerts).toBe(parsed.cut);
  });

  it('keeps the last word of a fingerprint repeated within one delivery, in its first place', () => {
    const [a, b] = alertmanagerBody.alerts;
    const parsed = parseAlertmanager('am', { ...alertmanagerBody, alerts: [a, b, { ...a, status: 'resolved' }] });
    expect(parsed).toMatchObject({ ok: true, duplicates: 1, cut: 0 });
    expect(parsed.ok && parsed.delivery.alerts.map((x) => [x.fingerprint, x.status])).toEqual([
      [a!.fingerprint, 'resolved'],
      [b!.fingerprint, 'resolved'],
    ]);
  });

  it('records a skewed startsAt as sent', () => {
    const skewed = [
      { ...alertmanagerBody.alerts[0], fingerprint: 'future', startsAt: '2999-01-01T00:00:00Z' },
      { ...alertmanagerBody.alerts[0], fingerprint: 'past', startsAt: '1970-01-01T00:00:00Z' },
    ];
    const parsed = parseAlertmanager('am', { ...alertmanagerBody, alerts: skewed });
    expect(parsed.ok && parsed.delivery.alerts.map((x) => [x.fingerprint, x.startsAt])).toEqual([
      ['future', '2999-01-01T00:00:00Z'],
      ['past', '1970-01-01T00:00:00Z'],
    ]);
  });
});

describe('parsing a Grafana delivery', () => {
  it('reads the same shape under version 1, extras ignored, and refuses version 4', () => {
    const grafana = { ...alertmanagerBody, version: '1', orgId: 1, state: 'alerting', title: '[FIRING:2] HighErrorRate', message: 'x' };
    const parsed = parseGrafana('grafana', grafana);
    // Grafana's groupKey, within its organisation.
    expect(parsed).toMatchObject({ ok: true, delivery: { source: 'grafana', kind: 'grafana', groupKey: `org:1/${alertmanagerBody.groupKey}` } });
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
      cut: 0,
      duplicates: 0,
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
