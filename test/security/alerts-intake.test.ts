// Attacks on the alert intake over HTTP: no token, a wrong one, a token for another source, an
// unknown source, Grafana deliveries unsigned, mis-signed or with a stale timestamp, a body that is
// not JSON or too large, malformed JSON and missing fields. Each must be a clear 4xx that starts no
// alert-group workflow and writes no incident or timeline row. A group of 10,000 alerts is not an
// attack: it is accepted, its first 1000 alerts kept and the rest counted into truncatedAlerts.

import { randomUUID } from 'node:crypto';
import { arrayContains } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema/index.js';
import { ALERTMANAGER_TOKEN, grafanaHeaders, startAlertsSystem, UPTIME_TOKEN, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';

let s: AlertsSystem;
beforeAll(async () => {
  s = await startAlertsSystem();
});
afterAll(async () => {
  await s?.stop();
});

function delivery(groupKey: string, alerts = 1) {
  return {
    version: '4',
    groupKey,
    status: 'firing',
    receiver: 'firebreak',
    groupLabels: { alertname: 'Attack' },
    commonLabels: { alertname: 'Attack', service: s.service, severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.test',
    truncatedAlerts: 0,
    alerts: Array.from({ length: alerts }, (_, i) => ({
      status: 'firing',
      labels: { alertname: 'Attack', service: s.service, instance: `i-${i}` },
      annotations: {},
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.test/graph',
      fingerprint: `fp${i.toString(16).padStart(14, '0')}`,
    })),
  };
}

/** Nothing happened for `groupKey`: no workflow under its ID, no incident for the service. */
async function expectNoEffects(source: string, groupKey: string): Promise<void> {
  expect(await s.group(source, groupKey)).toBeUndefined();
  const rows = await s.system.database.db.select().from(incidents).where(arrayContains(incidents.services, [s.service]));
  expect(rows).toEqual([]);
}

describe('alert intake refusals', () => {
  it('refuses a missing, wrong or other source\'s token with 401 and starts nothing', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    for (const token of [null, 'wrong-token', `${ALERTMANAGER_TOKEN}x`, UPTIME_TOKEN, '']) {
      const res = await s.post('/alerts/alertmanager', delivery(groupKey), token);
      expect(res.status, String(token)).toBe(401);
      expect(res.body.error).toBe('unknown alert source or wrong token');
    }
    await expectNoEffects('alertmanager', groupKey);
  });

  it('refuses an unknown generic source, or a source of another kind, with 401', async () => {
    const body = { status: 'firing', title: 'Attack', deduplication_key: randomUUID(), metadata: { service: s.service } };
    expect((await s.post('/alerts/http/nope', body, UPTIME_TOKEN)).status).toBe(401);
    expect((await s.post('/alerts/http/alertmanager', body, ALERTMANAGER_TOKEN)).status).toBe(401);
    expect((await s.post('/alerts/http/uptime', body, ALERTMANAGER_TOKEN)).status).toBe(401);
    await expectNoEffects('uptime', body.deduplication_key);
    await expectNoEffects('nope', body.deduplication_key);
  });

  it('refuses Grafana deliveries without a valid, fresh signature with 401 and starts nothing', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    const body = JSON.stringify({ ...delivery(groupKey), version: '1', title: '[FIRING:1] Attack', orgId: 1 });
    const signed = grafanaHeaders(body);
    const refused = [
      {},
      { 'x-grafana-alerting-signature': 'deadbeef' },
      grafanaHeaders(body, { secret: 'not-the-secret' }),
      // The right secret over another body, or over the same body with a timestamp it was not signed with.
      grafanaHeaders(`${body} `),
      { ...signed, 'x-grafana-alerting-signature-timestamp': String(Number(signed['x-grafana-alerting-signature-timestamp']) + 1) },
      // A correctly signed delivery replayed ten minutes later.
      grafanaHeaders(body, { timestamp: String(Math.floor(Date.now() / 1000) - 600) }),
      { 'x-grafana-alerting-signature': signed['x-grafana-alerting-signature']! },
    ];
    for (const headers of refused) {
      const res = await s.post('/alerts/grafana', body, null, headers);
      expect(res, JSON.stringify(headers)).toEqual({ status: 401, body: { error: 'unknown alert source or wrong token' } });
    }
    // A bearer token is no substitute for Grafana's signature.
    expect((await s.post('/alerts/grafana', body, ALERTMANAGER_TOKEN)).status).toBe(401);
    await expectNoEffects('grafana', groupKey);
  });

  it('refuses malformed JSON and missing fields with 400 and a clear message', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    expect(await s.post('/alerts/alertmanager', '{"version": "4", ')).toEqual({ status: 400, body: { error: 'the body is not JSON' } });
    const noFingerprint = delivery(groupKey);
    delete (noFingerprint.alerts[0] as Partial<(typeof noFingerprint.alerts)[0]>).fingerprint;
    expect(await s.post('/alerts/alertmanager', noFingerprint)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^alerts\[0\]\.fingerprint: missing/) } });
    expect(await s.post('/alerts/alertmanager', { ...delivery(groupKey), version: '3' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^version: invalid/) } });
    expect(await s.post('/alerts/alertmanager', { ...delivery(groupKey), alerts: [] })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^alerts: invalid/) } });
    const { status: _status, ...noStatus } = delivery(groupKey);
    expect(await s.post('/alerts/alertmanager', noStatus)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^status: missing/) } });
    expect(await s.post('/alerts/http/uptime', { status: 'firing', title: 'x' }, UPTIME_TOKEN)).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^deduplication_key: missing/) },
    });
    await expectNoEffects('alertmanager', groupKey);
  });

  it('refuses a body over 16 MiB with 413 saying how to make the groups smaller', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    const body = delivery(groupKey);
    body.commonAnnotations = { padding: 'x'.repeat(16 * 1024 * 1024) };
    const res = await s.post('/alerts/alertmanager', body);
    expect(res).toEqual({ status: 413, body: { error: 'payload too large', hint: expect.stringMatching(/^set max_alerts: 1000 on the webhook receiver/) } });
    // The generic source sends one alert per request: 64 KiB is its cap.
    const generic = { status: 'firing', title: 'Big', deduplication_key: randomUUID(), description: 'x'.repeat(64 * 1024) };
    expect((await s.post('/alerts/http/uptime', generic, UPTIME_TOKEN)).status).toBe(413);
    await expectNoEffects('alertmanager', groupKey);
    await expectNoEffects('uptime', generic.deduplication_key);
  });

  it('refuses a body that is not sent as JSON with 415, before reading it', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    const body = JSON.stringify(delivery(groupKey));
    const expected = { status: 415, body: { error: 'send the body as JSON with Content-Type: application/json' } };
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x']) {
      expect(await s.post('/alerts/alertmanager', body, ALERTMANAGER_TOKEN, { 'content-type': type }), type).toEqual(expected);
    }
    // The token is checked first, so a stranger learns nothing from the type.
    expect((await s.post('/alerts/alertmanager', body, 'wrong', { 'content-type': 'text/plain' })).status).toBe(401);
    const generic = { status: 'firing', title: 'NotJson', deduplication_key: randomUUID() };
    expect(await s.post('/alerts/http/uptime', JSON.stringify(generic), UPTIME_TOKEN, { 'content-type': 'text/plain' })).toEqual(expected);
    const grafana = JSON.stringify({ ...delivery(groupKey), version: '1', orgId: 1 });
    expect(await s.post('/alerts/grafana', grafana, null, { ...grafanaHeaders(grafana), 'content-type': 'text/plain' })).toEqual(expected);
    await expectNoEffects('alertmanager', groupKey);
    await expectNoEffects('grafana', groupKey);
    await expectNoEffects('uptime', generic.deduplication_key);
  });

  it('refuses a Grafana timestamp from the future as it refuses a stale one', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    const body = JSON.stringify({ ...delivery(groupKey), version: '1', orgId: 1 });
    const ahead = grafanaHeaders(body, { timestamp: String(Math.floor(Date.now() / 1000) + 600) });
    expect((await s.post('/alerts/grafana', body, null, ahead)).status).toBe(401);
    // Over the body alone with the secret of the source that signs timestamps: not that source's signature.
    expect((await s.post('/alerts/grafana', body, null, grafanaHeaders(body, { timestamp: null }))).status).toBe(401);
    await expectNoEffects('grafana', groupKey);
    await expectNoEffects('grafana-plain', groupKey);
  });

  it('records truncatedAlerts without refusing, and a resolved alert of an unseen group declares nothing', async () => {
    const groupKey = `{}:{attack="${randomUUID()}"}`;
    const body = delivery(groupKey);
    body.status = 'resolved';
    body.truncatedAlerts = 250;
    body.alerts[0]!.status = 'resolved';
    const res = await s.post('/alerts/alertmanager', body);
    expect(res).toMatchObject({ status: 202, body: { status: 'accepted', truncatedAlerts: 250 } });
    const view = await eventually(async () => {
      const v = await s.group('alertmanager', groupKey);
      return v && v.deliveries === 1 ? v : undefined;
    });
    expect(view).toMatchObject({ truncatedAlerts: 250, alerts: [{ status: 'resolved' }], route: { action: 'declare', service: s.service } });
    expect(view.incident).toBeUndefined();
    const rows = await s.system.database.db.select().from(incidents).where(arrayContains(incidents.services, [s.service]));
    expect(rows).toEqual([]);
  });
});
