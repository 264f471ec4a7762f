import type { TimelineKind } from '../domain/timeline.js';
import type { Logger } from '../worker/logger.js';
import type { IncidentView } from '../workflows/incident/messages.js';

export interface IncidentNotice {
  incident: string;
  kind: TimelineKind;
  /** Already redacted by the persistence activity. */
  text: string;
  view: IncidentView;
}

/** One per enabled integration (Slack, GitHub, …); each must be idempotent for the same notice. */
export type IncidentNotifier = (notice: IncidentNotice) => Promise<void>;

export function createNotifyActivities({ logger, notifiers }: { logger: Logger; notifiers: IncidentNotifier[] }) {
  return {
    async publishIncidentUpdate(notice: IncidentNotice): Promise<void> {
      logger.info({ incident: notice.incident, kind: notice.kind, phase: notice.view.phase }, notice.text);
      for (const notify of notifiers) await notify(notice);
    },
  };
}
