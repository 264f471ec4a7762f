import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import type { IncidentNotice } from '../workflows/incident/messages.js';
import { once } from './shared/once.js';
import { isWaitFailure } from './shared/pacing.js';

/**
 * One per enabled integration (Slack, GitHub, …). A notifier that hits a rate limit throws an
 * ApplicationFailure with `nextRetryDelay`, so Temporal waits out the limit instead of a busy loop.
 */
export interface IncidentNotifier {
  name: string;
  notify(notice: IncidentNotice): Promise<void>;
}

export function createNotifyActivities({ db, logger, notifiers }: { db: Database; logger: Logger; notifiers: IncidentNotifier[] }) {
  return {
    /**
     * Delivers one notice to every integration. Each delivery is remembered, so when a retry
     * follows a Slack 429 the GitHub comment already posted is not posted twice.
     */
    async publishIncidentUpdate(notice: IncidentNotice): Promise<void> {
      logger.info({ incident: notice.incident, kind: notice.kind, phase: notice.view.phase }, notice.text);
      // One integration failing (a GitHub mirror that cannot be written) must not keep the notice
      // from the others: each is tried, then a failure is thrown, a retryable one if there is one,
      // so a final refusal from one integration does not cancel the retry another still needs.
      const failures: unknown[] = [];
      for (const notifier of notifiers) {
        const step = { key: `notify:${notifier.name}:${notice.eventKey}`, kind: `notify.${notifier.name}` };
        // Only the notifier's own failure is set aside; a database failure fails the attempt at once.
        await once(db, step, () => notifier.notify(notice).catch((err: unknown) => Promise.reject(new NotDelivered(err)))).catch((err: unknown) => {
          if (!(err instanceof NotDelivered)) throw err;
          logger.warn({ err: err.cause, incident: notice.incident, notifier: notifier.name }, 'incident notice not delivered');
          failures.push(err.cause);
        });
      }
      if (failures.length) throw deliveryFailure(failures);
    },
  };
}

class NotDelivered {
  constructor(readonly cause: unknown) {}
}

// A wait a sink asked for (a rate limit, Firebreak's own pacing) is retried for as long as the
// activity's schedule-to-close timeout allows: losing a write to a busy sink is not an option.
// Any other failure is worth this many attempts; then the notice is given up for that integration
// instead of holding the incident's later notices behind it.
const ATTEMPTS_FOR_OTHER_FAILURES = 8;

function deliveryFailure(failures: unknown[]): unknown {
  const retryable = failures.filter((err) => !(err instanceof ApplicationFailure && err.nonRetryable));
  if (retryable.length === 0) return failures[0];
  const other = retryable.find((err) => !isWaitFailure(err));
  if (other === undefined) return retryable.filter(isWaitFailure).reduce((a, b) => (delayMs(b) < delayMs(a) ? b : a));
  if (currentAttempt() < ATTEMPTS_FOR_OTHER_FAILURES) return other;
  return ApplicationFailure.create({
    type: 'IncidentNoticeGaveUp',
    message: `Gave up delivering the notice after ${ATTEMPTS_FOR_OTHER_FAILURES} attempts: ${other instanceof Error ? other.message : String(other)}`,
    nonRetryable: true,
    ...(other instanceof Error ? { cause: other } : {}),
  });
}

function delayMs(err: ApplicationFailure): number {
  return err.nextRetryDelay === undefined || err.nextRetryDelay === null ? Number.POSITIVE_INFINITY : msToNumber(err.nextRetryDelay);
}

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
