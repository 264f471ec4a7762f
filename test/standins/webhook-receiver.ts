// A receiver for Firebreak's outbound webhooks, as a subscriber would run one: one path per
// subscriber (`/<name>`), each with its own secret. It checks X-Firebreak-Signature (HMAC-SHA256 of
// the raw body, in constant time) before parsing the JSON, answers 401 when it does not match, and
// otherwise what the test scripted: a queue of statuses for the next requests, a subscriber that is
// down (503 until it is up again), or 200. Every request is recorded.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookCall {
  subscriber: string;
  status: number;
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Record<string, unknown>;
}

export interface WebhookReceiver {
  url(subscriber: string): string;
  secret(subscriber: string): string;
  calls: WebhookCall[];
  /** The next requests to `subscriber` get these statuses, in order; then 200 again. */
  answerNext(subscriber: string, statuses: number[]): void;
  /** This status for every request to `subscriber` (a receiver that refuses everything). */
  refuse(subscriber: string, status: number): void;
  /** 503 for every request to `subscriber` until `up`. */
  down(subscriber: string): void;
  up(subscriber: string): void;
  /** Calls for one event ID, in the order they came. */
  callsFor(eventId: string, subscriber?: string): WebhookCall[];
  stop(): Promise<void>;
}

export function verifyBodySignature(secret: string, raw: string, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(signature.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  const scripted = new Map<string, number[]>();
  const isDown = new Set<string>();
  const refusing = new Map<string, number>();
  const secret = (subscriber: string) => `whsec-${subscriber}-0123456789abcdef`;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const subscriber = (req.url ?? '/').slice(1);
      const answer = (status: number, body?: Record<string, unknown>) => {
        calls.push({ subscriber, status, raw, headers: { ...req.headers }, ...(body ? { body } : {}) });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'ok' : `status ${status}`);
      };
      const signature = req.headers['x-firebreak-signature'];
      if (!verifyBodySignature(secret(subscriber), raw, typeof signature === 'string' ? signature : undefined)) return answer(401);
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (isDown.has(subscriber)) return answer(503, body);
      const refusal = refusing.get(subscriber);
      if (refusal !== undefined) return answer(refusal, body);
      const next = scripted.get(subscriber)?.shift();
      answer(next ?? 200, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (subscriber) => `http://127.0.0.1:${port}/${subscriber}`,
    secret,
    calls,
    answerNext: (subscriber, statuses) => void scripted.set(subscriber, [...(scripted.get(subscriber) ?? []), ...statuses]),
    refuse: (subscriber, status) => void refusing.set(subscriber, status),
    down: (subscriber) => void isDown.add(subscriber),
    up: (subscriber) => void isDown.delete(subscriber),
    callsFor: (eventId, subscriber) => calls.filter((c) => c.headers['x-firebreak-event-id'] === eventId && (subscriber === undefined || c.subscriber === subscriber)),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
