// Bad input the alert intake accepts, over a real worker: each is a recorded, harmless event with
// nothing lost and nothing declared twice. A realistic group of 10,000 alerts keeps its first 1000
// and counts the rest into truncatedAlerts; alerts no route knows take the default route; skewed
// clocks change nothing; a fingerprint repeated within a delivery counts once; labels carrying
// Slack, GitHub or HTML control text and secrets reach the timeline redacted and render inert.
// Grafana is accepted signed either way it signs (body alone, or timestamp:body).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { escapeHtml } from '../../web/render/html.js';
import { GRAFANA_PLAIN_SECRET, grafanaHeaders, startAlertsSystem, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';
import { alertGroupWorkflowId } from '../../workflows/alert-group/messages.js';

let s: AlertsSystem;
beforeAll(async () => {
  s = await startAlertsSystem();
});
afterAll(async () => {
  await s?.stop();
});

const EXPR = 'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",reason="CrashLoopBackOff"}[5m]) >= 1';

/** One alert as Alertmanager sends a kube-prometheus rule's: about 1 KB with `padding` empty. */
function podAlert(service: string, i: number, padding = ''): Alert {
  const pod = `checkout-api-7d9f8c6b5-${i.toString(36).padStart(5, 'x')}`;
  return {
    status: 'firing',
    labels: {
      alertname: 'KubePodCrashLooping',
      cluster: 'prod-eu-west-1',
      container: 'checkout-api',
      endpoint: 'http',
      instance: '10.42.3.17:8080',
      job: 'kube-state-metrics',
      namespace: 'checkout',
      pod,
      prometheus: 'monitoring/k8s',
      reason: 'CrashLoopBackOff',
      service,
      severity: 'warning',
      uid: '3f1c9a2e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
    },
    annotations: {
      description: `Pod checkout/${pod} (checkout-api) is in waiting state (reason: "CrashLoopBackOff").${padding}`,
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
      summary: 'Pod is crash looping.',
    },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus-k8s-0:9090/graph?g0.expr=${encodeURIComponent(EXPR)}&g0.tab=1`,
    fingerprint: (0x1234567890abcdefn + BigInt(i)).toString(16),
  };
}

interface Alert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

function group(groupKey: string, commonLabels: Record<string, string>, alerts: Alert[]) {
  return { receiver: 'firebreak', status: 'firing', alerts, groupLabels: {}, commonLabels, commonAnnotations: {}, externalURL: 'http://alertmanager:9093', version: '4', groupKey, truncatedAlerts: 0 };
}

/** The group's view once it has applied `deliveries` deliveries. */
const applied = (source: string, groupKey: string, deliveries = 1) =>
  eventually(async () => {
    const view = await s.group(source, groupKey);
    return view && view.deliveries === deliveries ? view : undefined;
  });

/** The incident a declaring group wrote to (the count of deliveries rises before it declares). */
const declared = (groupKey: string) =>
  eventually(async () => {
    const view = await s.group('alertmanager', groupKey);
    return view?.incident ? view : undefined;
  });

describe('a group of 10,000 alerts', () => {
  it('is accepted: the first 1000 reach the group, the other 9000 are counted into truncatedAlerts', async () => {
    // A service no route names: the default route (notify) records the group and declares nothing.
    const service = `unrouted-${randomUUID().slice(0, 8)}`;
    const groupKey = `{}:{alertname="KubePodCrashLooping", service="${service}"}`;
    const body = JSON.stringify(group(groupKey, { alertname: 'KubePodCrashLooping', service }, Array.from({ length: 10_000 }, (_, i) => podAlert(service, i))));
    // About 10 MB as Alertmanager would send it: under the 16 MiB cap.
    expect(body.length).toBeGreaterThan(9_000_000);
    expect(await s.post('/alerts/alertmanager', body)).toEqual({
      status: 202,
      body: { status: 'accepted', group: alertGroupWorkflowId('alertmanager', groupKey), alerts: 1000, truncatedAlerts: 9000 },
    });
    const view = await applied('alertmanager', groupKey);
    expect(view).toMatchObject({ truncatedAlerts: 9000, route: { route: 'default', action: 'notify' } });
    expect(view.alerts).toHaveLength(1000);
    expect(view.incident).toBeUndefined();
    expect(await s.incidents(service)).toEqual([]);
  });

  it('of 2 KB each (about 20 MB) is refused with 413 and a hint, and starts nothing', async () => {
    const service = `unrouted-${randomUUID().slice(0, 8)}`;
    const groupKey = `{}:{alertname="KubePodCrashLooping", service="${service}"}`;
    const padding = ' '.repeat(1000);
    const res = await s.post('/alerts/alertmanager', group(groupKey, { service }, Array.from({ length: 10_000 }, (_, i) => podAlert(service, i, padding))));
    expect(res).toEqual({ status: 413, body: { error: 'payload too large', hint: expect.stringContaining('max_alerts: 1000') } });
    expect(await s.group('alertmanager', groupKey)).toBeUndefined();
  });
});

describe('alerts no route expects', () => {
  it('take the default route, recorded without declaring, whatever their labels', async () => {
    const groupKey = `{}:{odd="${randomUUID()}"}`;
    const labels = { 'weird label': 'x', __name__: 'up', empty: '', unicode: 'ünï©ødé' };
    const alert = { ...podAlert('', 1), labels, annotations: {} };
    expect((await s.post('/alerts/alertmanager', group(groupKey, labels, [alert]))).status).toBe(202);
    const view = await applied('alertmanager', groupKey);
    expect(view).toMatchObject({ route: { route: 'default', action: 'notify' }, alerts: [{ fingerprint: alert.fingerprint, status: 'firing' }] });
    expect(view.incident).toBeUndefined();
  });
});

describe('clocks and repeats', () => {
  it('records alerts whose startsAt is far in the future or the past, and their resolution, like any other', async () => {
    const groupKey = `{}:{skew="${randomUUID()}"}`;
    const labels = { alertname: 'Skewed', service: s.service, severity: 'critical' };
    const future = { ...podAlert(s.service, 1), labels: { ...labels, instance: 'future' }, startsAt: '2999-01-01T00:00:00Z', fingerprint: 'skew-future' };
    const past = { ...podAlert(s.service, 2), labels: { ...labels, instance: 'past' }, startsAt: '1970-01-01T00:00:00Z', fingerprint: 'skew-past' };
    expect((await s.post('/alerts/alertmanager', group(groupKey, labels, [future, past]))).status).toBe(202);
    const view = await declared(groupKey);
    expect(view.alerts).toEqual([
      { fingerprint: 'skew-future', status: 'firing' },
      { fingerprint: 'skew-past', status: 'firing' },
    ]);
    await eventually(async () => (await s.timeline(view.incident!, 'Alert Skewed firing%')).length === 2);
    // Resolved "before" it started, by the sender's clock: still a resolution, applied in arrival order.
    const resolved = { ...future, status: 'resolved', endsAt: '2000-01-01T00:00:00Z' };
    expect((await s.post('/alerts/alertmanager', group(groupKey, labels, [resolved, past]))).status).toBe(202);
    await applied('alertmanager', groupKey, 2);
    await eventually(async () => (await s.timeline(view.incident!, 'Alert Skewed resolved%')).length === 1);
    expect(await s.incidents()).toEqual([expect.objectContaining({ key: view.incident })]);
  });

  it('counts a fingerprint repeated within one delivery once, keeping its last status', async () => {
    const groupKey = `{}:{dup="${randomUUID()}"}`;
    const labels = { alertname: 'Repeated', service: s.otherService, severity: 'critical' };
    const a = { ...podAlert(s.otherService, 1), labels: { ...labels, instance: 'a' }, fingerprint: 'dup-a' };
    const b = { ...podAlert(s.otherService, 2), labels: { ...labels, instance: 'b' }, fingerprint: 'dup-b' };
    const res = await s.post('/alerts/alertmanager', group(groupKey, labels, [a, b, a, a]));
    expect(res).toMatchObject({ status: 202, body: { alerts: 2, duplicates: 2, truncatedAlerts: 0 } });
    const view = await declared(groupKey);
    expect(view.alerts).toHaveLength(2);
    await eventually(async () => (await s.timeline(view.incident!, 'Alert Repeated firing%')).length === 2);
    expect(await s.incidents(s.otherService)).toHaveLength(1);
  });
});

describe('labels and annotations that carry markup or secrets', () => {
  const MARKUP = '<!channel> <!here> @here <@U0EVIL> <#C0EVIL> @org/team #12 <script>alert(1)</script> ![x](http://evil.example/x.png)';
  const SECRETS = { token: 'ghp_0123456789abcdefghijABCDEFGHIJ012345', dsn: 'postgres://app:hunter2secret@db.internal:5432/app' };

  it('reach the timeline redacted, and render inert for Slack, GitHub and HTML', async () => {
    const groupKey = `{}:{markup="${randomUUID()}"}`;
    const labels = { alertname: 'Markup', service: s.thirdService, severity: 'critical' };
    const alert = {
      ...podAlert(s.thirdService, 1),
      labels: { ...labels, owner: MARKUP },
      annotations: { summary: MARKUP, description: `token ${SECRETS.token}`, runbook_url: SECRETS.dsn },
      fingerprint: 'markup',
    };
    expect((await s.post('/alerts/alertmanager', group(groupKey, labels, [alert]))).status).toBe(202);
    const view = await declared(groupKey);
    const [note] = await eventually(async () => {
      const rows = await s.timeline(view.incident!, 'Alert Markup firing%');
      return rows.length === 1 ? rows : undefined;
    });
    const text = note!.text;
    for (const secret of [SECRETS.token, 'hunter2secret']) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED:');
    // Stored as the sender wrote it, minus secrets; each surface renders it as text.
    expect(text).toContain('<!channel>');
    const slack = escapeSlackText(text);
    for (const live of ['<!channel>', '<!here>', '<@U0EVIL>', '<#C0EVIL>']) expect(slack).not.toContain(live);
    const github = neutraliseGitHubText(text);
    expect(github).not.toMatch(/(^|[^A-Za-z0-9_])@(org|here)\b/);
    expect(github).not.toMatch(/<script|!\[|(^|[^\w\]])#12\b/);
    expect(escapeHtml(text)).not.toContain('<script');
  });
});

describe('Grafana signatures', () => {
  function grafanaBody(groupKey: string) {
    const labels = { alertname: 'GrafanaSigned', team: 'nobody' };
    const alert = { ...podAlert('', 1), labels, silenceURL: '', dashboardURL: '', panelURL: '', values: { B: 1 } };
    return JSON.stringify({ ...group(groupKey, labels, [alert]), version: '1', orgId: 1, title: '[FIRING:1] GrafanaSigned', state: 'alerting', message: '' });
  }

  it('accepts the body signed alone by a contact point without a timestamp header, under either header name', async () => {
    // Grafana's groupKey, within its organisation, names the group.
    const groupKey = `{}/{__grafana_autogenerated__="true"}/{__grafana_receiver__="firebreak"}:{alertname="GrafanaSigned${randomUUID().slice(0, 6)}"}`;
    const body = grafanaBody(groupKey);
    const documented = grafanaHeaders(body, { secret: GRAFANA_PLAIN_SECRET, timestamp: null });
    expect(await s.post('/alerts/grafana', body, null, documented)).toMatchObject({ status: 202, body: { group: alertGroupWorkflowId('grafana-plain', `org:1/${groupKey}`) } });
    // grafana/alerting's signer falls back to X-Grafana-Alert-Signature when the form's Header is empty.
    const fallback = grafanaHeaders(body, { secret: GRAFANA_PLAIN_SECRET, timestamp: null, header: 'x-grafana-alert-signature' });
    expect((await s.post('/alerts/grafana', body, null, fallback)).status).toBe(202);
    // The same delivery again (Grafana retries; or a replay within the window) changes nothing new.
    const view = await applied('grafana-plain', `org:1/${groupKey}`, 2);
    expect(view).toMatchObject({ alerts: [{ status: 'firing' }], route: { route: 'default', action: 'notify' } });
  });
});
