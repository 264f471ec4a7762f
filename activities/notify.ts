import { eq } from 'drizzle-orm';
import type { TimelineKind } from '../domain/timeline.js';
import type { Database } from '../db/client.js';
import { processedRequests } from '../db/schema/index.js';
import type { Logger } from '../worker/logger.js';
import type { IncidentView } from '../workflows/incident/messages.js';

export interface IncidentNotice {
  incident: string;
  /** The event's idempotency key (`INC-N:<seq>`). */
  eventKey: string;
  kind: TimelineKind;
  /** Already redacted by the persistence activity. */
  text: string;
  view: IncidentView;
}

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
      for (const notifier of notifiers) {
        const key = `notify:${notifier.name}:${notice.eventKey}`;
        const [done] = await db.select({ key: processedRequests.key }).from(processedRequests).where(eq(processedRequests.key, key));
        if (done) continue;
        await notifier.notify(notice);
        await db.insert(processedRequests).values({ key, kind: `notify.${notifier.name}` }).onConflictDoNothing();
      }
    },
  };
}
