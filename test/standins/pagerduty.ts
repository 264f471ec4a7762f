// A PagerDuty Events API v2 stand-in (DESIGN.md §4): POST /v2/enqueue answered the way PagerDuty
// answers it. 202 `{status, message, dedup_key}` for a good event; 400 `{status: "invalid event",
// message, errors}` for a missing routing key or summary, a bad severity or event action; 429 when
// one routing key sends more than its rate (PagerDuty allows about 120 events a minute per key).
// Every request is recorded, accepted or not, so tests assert both effects and their absence.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerDutyCall {
  body: Record<string, unknown>;
  status: number;
  at: number;
}

export interface PagerDutyStandIn {
  url: string;
  calls: PagerDutyCall[];
  /** Calls PagerDuty accepted (202), optionally only one routing key's or one dedup key's. */
  accepted(filter?: { routingKey?: string; dedupKey?: string; action?: string }): Record<string, unknown>[];
  /** Events per routing key per minute before 429; 120 unless a test lowers it. */
  setRateLimit(perMinute: number): void;
  /** The next `times` events (that `when` accepts) get this status (400, 429 or 5xx) whatever they carry. */
  failNext(status: number, options?: { times?: number; when?: (body: Record<string, unknown>) => boolean }): void;
  stop(): Promise<void>;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

function problems(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (typeof body.routing_key !== 'string' || !/^[A-Za-z0-9_-]{8,}$/.test(body.routing_key)) errors.push("'routing_key' is missing or invalid.");
  if (!ACTIONS.includes(body.event_action as string)) errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve').");
  if (body.event_action !== 'trigger' && typeof body.dedup_key !== 'string') errors.push("'dedup_key' is missing.");
  if (body.event_action === 'trigger') {
    const payload = body.payload as Record<string, unknown> | undefined;
    if (typeof payload?.summary !== 'string' || payload.summary.length === 0) errors.push("'payload.summary' is missing or blank.");
    else if (payload.summary.length > 1024) errors.push("'payload.summary' must be 1024 characters or fewer.");
    if (typeof payload?.source !== 'string' || payload.source.length === 0) errors.push("'payload.source' is missing or blank.");
    if (!SEVERITIES.includes(payload?.severity as string)) errors.push("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info').");
  }
  return errors;
}

export async function startPagerDutyStandIn(): Promise<PagerDutyStandIn> {
  const calls: PagerDutyCall[] = [];
  const recent = new Map<string, number[]>();
  let perMinute = 120;
  const faults: { status: number; when: (body: Record<string, unknown>) => boolean }[] = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, answer: unknown, body: Record<string, unknown> = {}) => {
        calls.push({ body, status, at: Date.now() });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') return send(404, { status: 'not found' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Malformed JSON'] });
      }
      const at = faults.findIndex((f) => f.when(body));
      const fault = at < 0 ? undefined : faults.splice(at, 1)[0]!.status;
      if (fault === 400) return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Injected by the test'] }, body);
      if (fault === 429) return send(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }, body);
      if (fault !== undefined) return send(fault, { status: 'error', message: 'Internal error' }, body);
      const errors = problems(body);
      if (errors.length) return send(400, { status: 'invalid event', message: 'Event object is invalid', errors }, body);
      const now = Date.now();
      const key = body.routing_key as string;
      const window = (recent.get(key) ?? []).filter((t) => t > now - 60_000);
      if (window.length >= perMinute) return send(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }, body);
      recent.set(key, [...window, now]);
      // PagerDuty makes up a dedup key for a trigger without one.
      const dedupKey = typeof body.dedup_key === 'string' ? body.dedup_key : `standin-${++counter}`;
      send(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey }, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    accepted: (filter = {}) =>
      calls
        .filter((c) => c.status === 202)
        .map((c) => c.body)
        .filter((b) => (filter.routingKey === undefined || b.routing_key === filter.routingKey) && (filter.dedupKey === undefined || b.dedup_key === filter.dedupKey) && (filter.action === undefined || b.event_action === filter.action)),
    setRateLimit: (n) => void (perMinute = n),
    failNext: (status, { times = 1, when = () => true } = {}) => void faults.push(...Array.from({ length: times }, () => ({ status, when }))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
