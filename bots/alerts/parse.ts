// Alert bodies into the normalised AlertDelivery, or one sentence saying what is wrong (a 400).
// Only what routing, grouping and the timeline use is required; the rest of a body may vary with
// the sender's version.

import { z } from 'zod';
import type { AlertDelivery, NormalisedAlert } from '../../domain/alerts/index.js';

/**
 * More alerts than this in one delivery is refused: a group that large is a misconfigured rule, and
 * Alertmanager's receiver can cap it itself (`max_alerts`, which it reports as truncatedAlerts).
 */
export const MAX_ALERTS_PER_DELIVERY = 1000;

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
  alerts: z.array(alertmanagerAlert).min(1).max(MAX_ALERTS_PER_DELIVERY),
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

export type Parsed = { ok: true; delivery: AlertDelivery } | { ok: false; problem: string };

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  if (issue.code === 'too_big' && issue.path.join('.') === 'alerts') {
    return `more than ${MAX_ALERTS_PER_DELIVERY} alerts in one delivery; set max_alerts: ${MAX_ALERTS_PER_DELIVERY} (or less) in the webhook receiver`;
  }
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'missing' : 'invalid';
  return `${where || 'body'}: ${got} (${issue.message})`;
}

const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

const grafanaBody = alertmanagerBody.extend({ version: z.literal('1') });

export function parseAlertmanager(source: string, body: unknown): Parsed {
  return parseGrouped(source, 'alertmanager', alertmanagerBody, body);
}

export function parseGrafana(source: string, body: unknown): Parsed {
  return parseGrouped(source, 'grafana', grafanaBody, body);
}

function parseGrouped(source: string, kind: 'alertmanager' | 'grafana', schema: typeof alertmanagerBody | typeof grafanaBody, body: unknown): Parsed {
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) return { ok: false, problem: problemOf(result.error) };
  const b = result.data;
  const alerts = b.alerts.map(
    (a): NormalisedAlert => ({
      fingerprint: a.fingerprint,
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      ...optional('startsAt', a.startsAt),
      // Alertmanager sends the zero time for an alert still firing.
      ...optional('endsAt', a.endsAt?.startsWith('0001-') ? undefined : a.endsAt),
      ...optional('url', a.generatorURL),
    }),
  );
  return {
    ok: true,
    delivery: { source, kind, groupKey: b.groupKey, commonLabels: b.commonLabels, alerts, truncatedAlerts: b.truncatedAlerts },
  };
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
  return { ok: true, delivery: { source, kind: 'http', groupKey: b.deduplication_key, commonLabels: labels, alerts: [alert], truncatedAlerts: 0 } };
}
