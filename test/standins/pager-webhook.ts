// A receiver for Firebreak's generic webhook pager, as a self-hosted on-call tool would run it:
// it reads the raw body (capped), checks X-Firebreak-Timestamp is recent and X-Firebreak-Signature
// is the HMAC-SHA256 of "<timestamp>.<body>" under the shared secret (in constant time), and only
// then parses the JSON. 401 for a bad or missing signature, 400 for a stale timestamp or bad JSON,
// 413 for an oversized body, 202 for an accepted event. Every request is recorded, accepted or not.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerWebhookCall {
  status: number;
  /** The raw body as received, so tests can look for what must never be in it. */
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Record<string, unknown>;
}

export interface PagerWebhookStandIn {
  url: string;
  secret: string;
  calls: PagerWebhookCall[];
  /** Verified events, optionally only one action's or one dedup key's. */
  accepted(filter?: { action?: string; dedupKey?: string; incident?: string }): Record<string, unknown>[];
  /** The next `times` verified events that `when` accepts get this status instead of 202. */
  failNext(status: number, options?: { times?: number; when?: (body: Record<string, unknown>) => boolean; retryAfter?: number }): void;
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const TOLERANCE_SECONDS = 300;

export function verifySignature(secret: string, timestamp: string | undefined, raw: string, signature: string | undefined): boolean {
  if (!timestamp || !signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex'));
  const given = Buffer.from(signature.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startPagerWebhookStandIn(secret = 'whsec-standin-0123456789abcdef'): Promise<PagerWebhookStandIn> {
  const calls: PagerWebhookCall[] = [];
  const faults: { status: number; when: (body: Record<string, unknown>) => boolean; retryAfter?: number }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, text: string, body?: Record<string, unknown>, headers: Record<string, string> = {}) => {
        calls.push({ status, raw, headers: { ...req.headers }, ...(body ? { body } : {}) });
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(text);
      };
      if (req.method !== 'POST') return answer(405, 'POST only');
      if (tooBig) return answer(413, 'body too large');
      const timestamp = req.headers['x-firebreak-timestamp'] as string | undefined;
      if (!verifySignature(secret, timestamp, raw, req.headers['x-firebreak-signature'] as string | undefined)) return answer(401, 'bad signature');
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return answer(400, 'stale timestamp');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return answer(400, 'malformed JSON');
      }
      if (body.version !== 1 || !['trigger', 'acknowledge', 'resolve'].includes(body.action as string) || typeof body.dedup_key !== 'string') return answer(400, 'not a version 1 page event', body);
      const at = faults.findIndex((f) => f.when(body));
      const fault = at < 0 ? undefined : faults.splice(at, 1)[0]!;
      if (fault) return answer(fault.status, `injected ${fault.status}`, body, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
      answer(202, 'accepted', body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/firebreak`,
    secret,
    calls,
    accepted: (filter = {}) =>
      calls
        .filter((c) => c.status === 202 && c.body)
        .map((c) => c.body!)
        .filter((b) => (filter.action === undefined || b.action === filter.action) && (filter.dedupKey === undefined || b.dedup_key === filter.dedupKey) && (filter.incident === undefined || b.incident === filter.incident)),
    failNext: (status, { times = 1, when = () => true, retryAfter } = {}) => void faults.push(...Array.from({ length: times }, () => ({ status, when, ...(retryAfter === undefined ? {} : { retryAfter }) }))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
