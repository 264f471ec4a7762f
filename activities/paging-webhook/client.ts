// The generic webhook pager, for self-hosted on-call tools (GoAlert and the like): one signed JSON
// POST per event, and the receiver's answer turned into what Temporal should do next. Nothing here
// retries: a 429, a 5xx or a network failure is retryable and Temporal schedules the retry; any
// other 4xx means the receiver will never take this event and is not retried.

import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { WebhookPageEvent } from '../../domain/paging.js';
import { activitySignal, waitFailure } from '../shared/pacing.js';

export const SIGNATURE_HEADER = 'x-firebreak-signature';
export const TIMESTAMP_HEADER = 'x-firebreak-timestamp';
const REQUEST_TIMEOUT_MS = 10_000;
// Enough of an error answer to say why; a receiver cannot make a worker hold more than this.
const MAX_ANSWER_BYTES = 4096;
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface WebhookPager {
  send(event: WebhookPageEvent): Promise<void>;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed so a body cannot be replayed later under a new one. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** At most MAX_ANSWER_BYTES of the answer, as text; the rest is never read. */
export async function boundedText(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function retryAfterMs(res: Response): number {
  const value = res.headers.get('retry-after');
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** One line of the receiver's answer, for logs and the timeline; never the request. */
export function gist(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function createWebhookPager(options: { url: string; secret: string; now?: () => Date }): WebhookPager {
  const now = options.now ?? (() => new Date());
  return {
    async send(event) {
      const body = JSON.stringify(event);
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), activitySignal()].filter((s): s is AbortSignal => s !== undefined);
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, body) },
        body,
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
      const answer = await boundedText(res);
      if (res.ok) return;
      if (res.status === 429) throw waitFailure('PagingWebhookRateLimited', `The paging webhook rate-limited the ${event.action} event`, retryAfterMs(res));
      if (res.status >= 400 && res.status < 500) {
        throw ApplicationFailure.create({
          type: 'PagingWebhookRefused',
          message: `The paging webhook refused the ${event.action} event with ${res.status}${answer ? `: ${gist(answer)}` : ''}`,
          nonRetryable: true,
        });
      }
      throw ApplicationFailure.create({ type: 'PagingWebhookUnavailable', message: `The paging webhook answered ${res.status} to the ${event.action} event` });
    },
  };
}
