import type { Policy } from '../domain/policy/index.js';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../worker/logger.js';
import { createIncidentActivities } from './incidents.js';
import { createNotifyActivities, type IncidentNotifier } from './notify.js';
import { createPolicyActivities } from './policy.js';

export interface ActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  notifiers?: IncidentNotifier[];
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIncidentActivities(deps),
    ...createPolicyActivities(deps),
    ...createNotifyActivities({ logger: deps.logger, notifiers: deps.notifiers ?? [] }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
