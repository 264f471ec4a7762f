// POST /alerts/alertmanager, /alerts/grafana and /alerts/http/<source>: check the bearer token (or
// Grafana's signature), read the capped body, parse it, and hand the delivery to its group's
// workflow with signal-with-start. Nothing is written here; every refusal (401, 400, 413, 415)
// happens before a workflow is touched.

import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Client } from '@temporalio/client';
import type { AlertDelivery, AlertSourceKind } from '../../domain/alerts/index.js';
import { bearerToken } from '../../platform/http/bearer.js';
import { BodyRefused, readText } from '../../platform/http/read-body.js';
import { sendJson, type RouteHandler } from '../../platform/http/server.js';
import type { Logger } from '../../platform/logger.js';
import { secretsEqual } from '../../platform/secret-equal.js';
import type { alertGroupWorkflow } from '../../workflows/alert-group/workflow.js';
import { alertDeliverySignal, alertGroupWorkflowId } from '../../workflows/alert-group/messages.js';
import { MAX_ALERTS_PER_DELIVERY, parseAlertmanager, parseGeneric, parseGrafana, type Parsed } from './parse.js';

/**
 * Alertmanager and Grafana send a whole group per delivery (up to their max_alerts). A realistic
 * Kubernetes alert (a dozen labels, three annotations, Prometheus' generatorURL) is about 1 KB, so
 * a group of 10,000 is about 10 MB: it fits, and all but the first alerts are counted into
 * truncatedAlerts (see parse.ts) instead of being refused. The body is read only after the bearer
 * token is checked (Alertmanager), and parsed only after the signature is (Grafana).
 */
export const MAX_ALERT_BODY_BYTES = 16 * 1024 * 1024;

/** The generic source sends one alert per request. */
export const MAX_GENERIC_BODY_BYTES = 64 * 1024;

const TOO_LARGE_HINT = `set max_alerts: ${MAX_ALERTS_PER_DELIVERY} on the webhook receiver (Alertmanager) or Max Alerts on the contact point (Grafana); Firebreak keeps at most ${MAX_ALERTS_PER_DELIVERY} alerts of a delivery anyway`;

export interface AlertSource {
  name: string;
  kind: AlertSourceKind;
  /** Undefined when the environment variable the policy names is unset: the source refuses everything. */
  token: string | undefined;
  /** Grafana: the header whose timestamp is signed with the body. */
  timestampHeader?: string;
}

export interface AlertsFrontEnd {
  client: Client;
  taskQueue: string;
  logger: Logger;
  sources: AlertSource[];
}

const UNAUTHORISED = { error: 'unknown alert source or wrong token' };

/**
 * The source whose token the request presents. Every candidate is compared, in constant time, so
 * the answer's timing says nothing about which source (or how much of a token) was close.
 */
function authenticate(req: IncomingMessage, candidates: readonly AlertSource[]): AlertSource | undefined {
  const given = bearerToken(req) ?? '';
  let found: AlertSource | undefined;
  for (const source of candidates) {
    const equal = secretsEqual(given, source.token ?? '');
    if (equal && given !== '' && source.token) found ??= source;
  }
  return found;
}

export function alertmanagerHandler(fe: AlertsFrontEnd): RouteHandler {
  const candidates = fe.sources.filter((s) => s.kind === 'alertmanager');
  return (req, res) => receive(fe, req, res, authenticate(req, candidates), parseAlertmanager, MAX_ALERT_BODY_BYTES);
}

export const GENERIC_PREFIX = '/alerts/http/';

export function genericHandler(fe: AlertsFrontEnd): RouteHandler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://firebreak').pathname;
    const name = decodeURIComponent(path.slice(GENERIC_PREFIX.length));
    // An unknown source gets the same answer as a wrong token: names are not for guessing.
    const candidates = fe.sources.filter((s) => s.kind === 'http' && s.name === name);
    return receive(fe, req, res, authenticate(req, candidates), parseGeneric, MAX_GENERIC_BODY_BYTES);
  };
}

/** A signed timestamp further than this from now is a replay (or a clock to fix). */
const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

/**
 * Where Grafana puts the signature: the header its documentation and form name, and the one its
 * signer (grafana/alerting's HMACRoundTripper) falls back to when the form's Header is left empty.
 */
const GRAFANA_SIGNATURE_HEADERS = ['x-grafana-alerting-signature', 'x-grafana-alert-signature'];

/**
 * POST /alerts/grafana: Grafana signs the body (or `timestamp:body`) with HMAC-SHA256 and sends the
 * hex digest in X-Grafana-Alerting-Signature. The body has to be read for that, so it is read
 * (capped) first; the digest of every grafana source is compared in constant time.
 */
export function grafanaHandler(fe: AlertsFrontEnd): RouteHandler {
  const candidates = fe.sources.filter((s) => s.kind === 'grafana');
  return async (req, res) => {
    const signature = GRAFANA_SIGNATURE_HEADERS.map((h) => headerOf(req, h)).find(Boolean)?.trim().toLowerCase();
    if (!signature) return sendJson(res, 401, UNAUTHORISED);
    if (!isJson(req)) return sendJson(res, 415, NOT_JSON);
    const text = await readAlertBody(req, MAX_ALERT_BODY_BYTES);
    let found: AlertSource | undefined;
    for (const source of candidates) {
      const signed = signedText(req, source, text);
      const equal = secretsEqual(signature, source.token && signed !== undefined ? createHmac('sha256', source.token).update(signed).digest('hex') : '');
      if (equal && source.token && signed !== undefined) found ??= source;
    }
    return receive(fe, req, res, found, parseGrafana, MAX_ALERT_BODY_BYTES, text);
  };
}

/** What the source signs, or undefined when its timestamp is missing or stale. */
function signedText(req: IncomingMessage, source: AlertSource, body: string): string | undefined {
  if (!source.timestampHeader) return body;
  const timestamp = headerOf(req, source.timestampHeader.toLowerCase());
  if (!timestamp || !/^[0-9]{1,16}$/.test(timestamp)) return undefined;
  // Seconds or milliseconds since the epoch; either way it must be recent.
  const ms = timestamp.length > 11 ? Number(timestamp) : Number(timestamp) * 1000;
  if (Math.abs(Date.now() - ms) > SIGNATURE_MAX_AGE_MS) return undefined;
  return `${timestamp}:${body}`;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const NOT_JSON = { error: 'send the body as JSON with Content-Type: application/json' };

/** application/json, with or without parameters (charset), or any `+json` type. */
function isJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.-]+\+json$/.test(type);
}

/** The capped body; a 413 says how to make the sender's groups smaller. */
async function readAlertBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  try {
    return await readText(req, maxBytes);
  } catch (err) {
    if (err instanceof BodyRefused && err.status === 413 && maxBytes === MAX_ALERT_BODY_BYTES) throw new BodyRefused(413, err.message, TOO_LARGE_HINT);
    throw err;
  }
}

async function receive(
  fe: AlertsFrontEnd,
  req: IncomingMessage,
  res: Parameters<RouteHandler>[1],
  source: AlertSource | undefined,
  parse: (source: string, body: unknown) => Parsed,
  maxBytes: number,
  alreadyRead?: string,
): Promise<void> {
  // A bearer token is checked on the headers alone, so an unauthenticated body is never read at all.
  if (!source) return sendJson(res, 401, UNAUTHORISED);
  if (!isJson(req)) return sendJson(res, 415, NOT_JSON);
  const text = alreadyRead ?? (await readAlertBody(req, maxBytes));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'the body is not JSON' });
  }
  const parsed = parse(source.name, body);
  if (!parsed.ok) return sendJson(res, 400, { error: parsed.problem });
  const delivery = parsed.delivery;
  const workflowId = alertGroupWorkflowId(source.name, delivery.groupKey);
  try {
    await deliver(fe, workflowId, delivery);
  } catch (err) {
    // Nothing was recorded; the sender's retry (Alertmanager retries a 5xx) gets another chance.
    fe.logger.error({ err, source: source.name, workflowId }, 'alert delivery failed');
    return sendJson(res, 500, { error: 'delivery failed; retry' });
  }
  const { cut, duplicates } = parsed;
  const counts = { alerts: delivery.alerts.length, truncatedAlerts: delivery.truncatedAlerts, ...(duplicates > 0 ? { duplicates } : {}) };
  if (cut > 0) fe.logger.warn({ source: source.name, workflowId, cut, ...counts }, `alert delivery over ${MAX_ALERTS_PER_DELIVERY} alerts: the rest are counted into truncatedAlerts`);
  else fe.logger.info({ source: source.name, workflowId, ...counts }, 'alert delivery');
  sendJson(res, 202, { status: 'accepted', group: workflowId, ...counts });
}

/** Starts the group's workflow or signals the running one: either way, exactly one workflow per group. */
async function deliver(fe: AlertsFrontEnd, workflowId: string, delivery: AlertDelivery): Promise<void> {
  await fe.client.workflow.signalWithStart<typeof alertGroupWorkflow, [AlertDelivery]>('alertGroupWorkflow', {
    workflowId,
    taskQueue: fe.taskQueue,
    args: [{ source: delivery.source, groupKey: delivery.groupKey }],
    signal: alertDeliverySignal,
    signalArgs: [delivery],
  });
}
