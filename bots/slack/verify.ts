// Slack's v0 request signature (DESIGN.md §5). Bolt's own helper only refuses stale timestamps; a
// request from the future is just as replayable, so both directions are checked here.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SignedRequest {
  signingSecret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs?: number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(request: SignedRequest): Verdict {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.abs(Math.floor((request.nowMs ?? Date.now()) / 1000) - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'timestamp outside the allowed window' };
  if (!signature.startsWith('v0=')) return { ok: false, reason: 'unknown signature version' };
  const expected = signSlackRequest(request.signingSecret, timestamp, request.rawBody);
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

/** `v0=<hex hmac>` as Slack computes it; tests and the benchmark sign requests with it too. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}
