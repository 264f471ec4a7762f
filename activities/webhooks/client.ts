// One signed POST of a webhook event to a subscriber, and its answer sorted into what happens next:
// 2xx delivered; 408, 429, 5xx, a timeout or a network failure worth another try (a 429's
// Retry-After is honoured); any other answer (4xx, a redirect) final. Nothing here retries:
// Temporal schedules the next try (activities/webhooks/deliver.ts).

import { createHmac } from 'node:crypto';
import { boundedText, gist } from '../paging-webhook/client.js';
import { activitySignal } from '../shared/pacing.js';

export const WEBHOOK_SIGNATURE_HEADER = 'x-firebreak-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-firebreak-timestamp';
export const WEBHOOK_EVENT_ID_HEADER = 'x-firebreak-event-id';
export const WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the subscriber's secret. */
export function webhookBodySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type WebhookAnswer =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; error: string; waitMs?: number }
  | { outcome: 'refused'; error: string };

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  body: string;
  now?: () => Date;
}

export async function postWebhook(request: WebhookRequest): Promise<WebhookAnswer> {
  const timestamp = String(Math.floor((request.now?.() ?? new Date()).getTime() / 1000));
  const signals = [AbortSignal.timeout(WEBHOOK_REQUEST_TIMEOUT_MS), activitySignal()].filter((s): s is AbortSignal => s !== undefined);
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Firebreak-Webhooks',
        [WEBHOOK_EVENT_ID_HEADER]: request.eventId,
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: webhookBodySignature(request.secret, request.body),
      },
      body: request.body,
      signal: AbortSignal.any(signals),
      redirect: 'manual',
    });
  } catch (err) {
    // The URL may carry a token in its query: say what failed, never where.
    const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${WEBHOOK_REQUEST_TIMEOUT_MS / 1000} s` : 'could not connect';
    return { outcome: 'retry', error: reason };
  }
  let answer = '';
  try {
    answer = await boundedText(res);
  } catch {
    // A body cut off mid-read still has its status.
  }
  const said = answer ? `: ${gist(answer)}` : '';
  if (res.status >= 200 && res.status < 300) return { outcome: 'delivered', status: res.status };
  if (res.status === 429) return { outcome: 'retry', error: `answered 429${said}`, ...retryAfter(res) };
  if (res.status === 408 || res.status >= 500) return { outcome: 'retry', error: `answered ${res.status}${said}` };
  if (res.status >= 300 && res.status < 400) return { outcome: 'refused', error: `answered ${res.status} (Firebreak follows no redirect)` };
  return { outcome: 'refused', error: `answered ${res.status}${said}` };
}

function retryAfter(res: Response): { waitMs?: number } {
  const value = res.headers.get('retry-after');
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? { waitMs: Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) } : {};
}
