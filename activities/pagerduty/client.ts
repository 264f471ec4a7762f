// PagerDuty's Events API v2 as the paging activities see it: one POST per event, and PagerDuty's
// answer turned into what Temporal should do next. Nothing here retries: a 429 or a 5xx becomes a
// retryable ApplicationFailure and Temporal schedules the retry, so no worker slot waits.

import { ApplicationFailure } from '@temporalio/common';
import type { PagerDutyEvent } from '../../domain/paging.js';
import { activitySignal, waitFailure } from '../shared/pacing.js';

// PagerDuty's 429 carries no Retry-After. Its limit is about 120 events a minute per routing key,
// counted over a sliding minute, so after 30 s half the window has moved on and a retry is likely
// to get through; a shorter wait would mostly be refused again.
export const PAGERDUTY_RATE_LIMIT_WAIT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface PagerDutyApi {
  /** Sends one event; resolves with PagerDuty's dedup key once it answered 202. */
  send(event: PagerDutyEvent): Promise<{ dedupKey: string }>;
}

interface EventsAnswer {
  status?: string;
  message?: string;
  dedup_key?: string;
  errors?: unknown[];
}

/** `rateLimitWaitMs` is for tests that cannot wait 30 s; production always waits the default. */
export function createPagerDutyApi(options: { eventsUrl: string; rateLimitWaitMs?: number }): PagerDutyApi {
  const url = `${options.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`;
  return {
    async send(event) {
      const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), activitySignal()].filter((s): s is AbortSignal => s !== undefined);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.any(signals),
      });
      const answer = (await res.json().catch(() => ({}))) as EventsAnswer;
      if (res.status === 202) return { dedupKey: answer.dedup_key ?? event.dedup_key };
      throw pagerDutyFailure(event.event_action, res.status, answer, options.rateLimitWaitMs);
    },
  };
}

/** What Temporal should do with an answer other than 202. The routing key is never in the message. */
export function pagerDutyFailure(action: string, status: number, answer: EventsAnswer, waitMs = PAGERDUTY_RATE_LIMIT_WAIT_MS): ApplicationFailure {
  if (status === 429) {
    return waitFailure('PagerDutyRateLimited', `PagerDuty rate-limited the ${action} event; retrying in ${waitMs / 1000}s`, waitMs);
  }
  if (status === 400) {
    const errors = (answer.errors ?? []).map(String).join('; ');
    return ApplicationFailure.create({
      type: 'PagerDutyEventRefused',
      message: `PagerDuty refused the ${action} event: ${answer.message ?? 'invalid event'}${errors ? ` (${errors})` : ''}`,
      nonRetryable: true,
    });
  }
  return ApplicationFailure.create({ type: 'PagerDutyUnavailable', message: `PagerDuty answered ${status} to the ${action} event` });
}
