// Alert bodies into the normalised AlertDelivery, or one sentence saying what is wrong (a 400).
// Only what routing, grouping and the timeline use is required; the rest of a body may vary with
// the sender's version.

import { z } from 'zod';
import type { AlertDelivery, NormalisedAlert } from '../../domain/alerts/index.js';

/**
 * At most this many alerts of one delivery reach its group; the rest are counted into
 * truncatedAlerts, as Alertmanager's own `max_alerts` would. Refusing a huge group instead would
 * make Alertmanager drop the whole notification (it retries only a 5xx), and every alert in it.
 * Alertmanager sorts a group's alerts by their labels, so its re-sends keep the same ones.
 */
export const MAX_ALERTS_PER_DELIVERY = 1000;

/**
 * ...and at most this many bytes of them (as JSON), whatever their labels hold: the kept alerts
 * travel in one Temporal signal, which must stay well under its 2 MB payload limit, or every
 * retry of the delivery would fail the same way.
 */
export const MAX_ALERT_BYTES_PER_DELIVERY = 1024 * 1024;

const text = z.string().min(1);
const labels = z.record(z.string(), z.string());
const status = z.enum(['firing', 'resolved']);

const alertmanagerAlert = z.object({
  status,
  labels,
  annotations: labels.default(() => ({})),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: text,
});

// Grafana's contact point sends Alertmanager's shape under version "1", with extras (title,
// message, per-alert values and links) that routing does not need.
const alertmanagerBody = z.object({
  version: z.literal('4'),
  groupKey: text,
  status,
  receiver: z.string().optional(),
  groupLabels: labels.default(() => ({})),
  commonLabels: labels.default(() => ({})),
  commonAnnotations: labels.default(() => ({})),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).default(0),
  alerts: z.array(alertmanagerAlert).min(1),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const genericBody = z.object({
  status,
  title: text,
  deduplication_key: text,
  description: z.string().optional(),
  metadata: z.record(z.string(), scalar).default(() => ({})),
  source_url: z.string().optional(),
});

export type Parsed =
  | {
      ok: true;
      delivery: AlertDelivery;
      /** Alerts of this delivery past the limits, already counted into delivery.truncatedAlerts. */
      cut: number;
      /** Alerts that repeated an earlier alert's fingerprint; the last of each fingerprint is kept. */
      duplicates: number;
    }
  | { ok: false; problem: string };

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'missing' : 'invalid';
  return `${where || 'body'}: ${got} (${issue.message})`;
}

const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

const grafanaBody = alertmanagerBody.extend({ version: z.literal('1'), orgId: z.number().int().optional() });

export function parseAlertmanager(source: string, body: unknown): Parsed {
  return parseGrouped(source, 'alertmanager', alertmanagerBody, body);
}

export function parseGrafana(source: string, body: unknown): Parsed {
  return parseGrouped(source, 'grafana', grafanaBody, body);
}

function parseGrouped(source: string, kind: 'alertmanager' | 'grafana', schema: typeof alertmanagerBody | typeof grafanaBody, body: unknown): Parsed {
  const kept = keepFirstAlerts(body);
  if (typeof kept === 'string') return { ok: false, problem: kept };
  const result = schema.safeParse(kept.body, { reportInput: true });
  if (!result.success) return { ok: false, problem: problemOf(result.error) };
  const b = result.data;
  // Each Grafana organisation runs its own Alertmanager, whose groupKeys can be alike: two orgs
  // posting with one secret must not share groups.
  const orgId = 'orgId' in b ? b.orgId : undefined;
  const groupKey = orgId === undefined ? b.groupKey : `org:${orgId}/${b.groupKey}`;
  // Alertmanager never repeats a fingerprint within a group; a sender that does gets its last word.
  const byFingerprint = new Map<string, NormalisedAlert>();
  for (const a of b.alerts) {
    byFingerprint.set(a.fingerprint, {
      fingerprint: a.fingerprint,
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      // Recorded as sent, however skewed the sender's clock: nothing orders or drops alerts by it.
      ...optional('startsAt', a.startsAt),
      // Alertmanager sends the zero time for an alert still firing.
      ...optional('endsAt', a.endsAt?.startsWith('0001-') ? undefined : a.endsAt),
      ...optional('url', a.generatorURL),
    });
  }
  const alerts = [...byFingerprint.values()];
  return {
    ok: true,
    delivery: { source, kind, groupKey, commonLabels: b.commonLabels, alerts, truncatedAlerts: b.truncatedAlerts + kept.cut },
    cut: kept.cut,
    duplicates: b.alerts.length - alerts.length,
  };
}

/**
 * The body with only the alerts that fit the limits, checked before the schema so a huge group
 * costs one pass over its array; the rest are only counted. A problem when not even the first fits.
 */
function keepFirstAlerts(body: unknown): { body: unknown; cut: number } | string {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { alerts?: unknown }).alerts)) return { body, cut: 0 };
  const alerts = (body as { alerts: unknown[] }).alerts;
  let bytes = 0;
  let count = 0;
  while (count < alerts.length && count < MAX_ALERTS_PER_DELIVERY) {
    bytes += Buffer.byteLength(JSON.stringify(alerts[count]) ?? '');
    if (bytes > MAX_ALERT_BYTES_PER_DELIVERY) break;
    count++;
  }
  if (count === 0 && alerts.length > 0) return `alerts[0]: larger than ${MAX_ALERT_BYTES_PER_DELIVERY} bytes on its own`;
  if (count === alerts.length) return { body, cut: 0 };
  return { body: { ...body, alerts: alerts.slice(0, count) }, cut: alerts.length - count };
}

export function parseGeneric(source: string, body: unknown): Parsed {
  const result = genericBody.safeParse(body, { reportInput: true });
  if (!result.success) return { ok: false, problem: problemOf(result.error) };
  const b = result.data;
  const labels = { ...Object.fromEntries(Object.entries(b.metadata).map(([k, v]) => [k, String(v)])), alertname: b.title };
  const alert: NormalisedAlert = {
    fingerprint: b.deduplication_key,
    status: b.status,
    labels,
    annotations: optional('description', b.description),
    ...optional('url', b.source_url),
  };
  return {
    ok: true,
    delivery: { source, kind: 'http', groupKey: b.deduplication_key, commonLabels: labels, alerts: [alert], truncatedAlerts: 0 },
    cut: 0,
    duplicates: 0,
  };
}
