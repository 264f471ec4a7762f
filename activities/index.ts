import type { Policy } from '../domain/policy/index.js';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import { createAlertActivities } from './alerts/index.js';
import { createAuditSealActivities } from './audit-seal.js';
import { alertTriageWithoutSlack } from './slack/alert-triage.js';
import { roleInstructionsWithoutSlack } from './slack/role-instructions.js';
import { ruleStepsWithoutSlack } from './slack/rule-steps.js';
import { createRuleActivities } from './rules/index.js';
import { createAuthorizationActivities } from './authorization.js';
import { createAccessActivities, type AccessNotifier, type AccessProviderSettings } from './access/index.js';
import { createFlagActivities, type FlagProviders } from './flags/index.js';
import { createGitHubRecordActivities } from './github/delivery-records.js';
import { createIncidentActivities } from './incidents.js';
import { createNotifyActivities, type IncidentNotifier } from './notify.js';
import { createPolicyActivities } from './policy.js';
import { createPostmortemActivities } from './postmortem/index.js';
import type { PostmortemNotifier, PostmortemPublisher } from './postmortem/ports.js';
import { createRetentionActivities } from './retention.js';
import { createSandboxActivities, type SandboxNotifier, type SandboxSettings } from './sandbox/index.js';
import { createStatusPageActivities } from './statuspage/index.js';
import { createTriageActivities, similarIncidentsSource, type TriageSource } from './triage.js';
// The delivery activities and the child-event feed, not webhooks/index.ts: that also exports the
// outbound integration, which is composed from this file's types.
import { createWebhookActivities } from './webhooks/deliver.js';
import { withChildWebhooks } from './webhooks/feed.js';

export interface ActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  notifiers?: IncidentNotifier[];
  /** Context sources beyond Firebreak's own incident history (GitHub, flag systems). */
  triageSources?: TriageSource[];
  /** Front-ends that deliver access notices and credentials (Slack DMs, …). */
  accessNotifiers?: AccessNotifier[];
  access?: AccessProviderSettings;
  /** Flag systems by provider (Unleash, LaunchDarkly) and the Prometheus API rollbacks are verified with. */
  flagProviders?: FlagProviders;
  prometheusUrl?: string;
  /** Where people reach Firebreak (links in digests). */
  publicUrl?: string;
  /** Front-ends that deliver sandbox credentials (by DM) and playbooks. */
  sandboxNotifiers?: SandboxNotifier[];
  sandbox?: SandboxSettings;
  /** Front-ends that post postmortem news, reminders and escalations (Slack, the incident issue). */
  postmortemNotifiers?: PostmortemNotifier[];
  /** GitHub, when configured: postmortem documents and action-item issues. */
  postmortemPublisher?: PostmortemPublisher;
  /** Where webhook subscribers' `env:` URLs and secrets are read; the process environment when absent. */
  webhookEnv?: Record<string, string | undefined>;
}

export function createActivities(deps: ActivityDeps) {
  // Grant, sandbox and postmortem transitions also start their webhook deliveries (activities/webhooks/feed.ts).
  return withChildWebhooks({
    ...createIncidentActivities(deps),
    ...createGitHubRecordActivities(deps),
    ...createPolicyActivities(deps),
    ...createAuthorizationActivities(deps),
    ...createNotifyActivities({ db: deps.db, logger: deps.logger, notifiers: deps.notifiers ?? [] }),
    ...createTriageActivities({ redactor: deps.redactor, sources: [similarIncidentsSource(deps.db), ...(deps.triageSources ?? [])] }),
    ...createAccessActivities({ ...deps, notifiers: deps.accessNotifiers ?? [], settings: deps.access ?? {} }),
    ...createFlagActivities({ ...deps, providers: deps.flagProviders ?? {} }),
    ...createSandboxActivities({ ...deps, notifiers: deps.sandboxNotifiers ?? [], settings: deps.sandbox ?? {} }),
    ...createRetentionActivities(deps),
    ...createAuditSealActivities(deps),
    ...createAlertActivities(deps),
    // Replaced by the Slack outbound's own when Slack is configured (worker/main.ts merges those last).
    ...alertTriageWithoutSlack(),
    ...roleInstructionsWithoutSlack(),
    ...ruleStepsWithoutSlack(),
    ...createRuleActivities(deps),
    ...createStatusPageActivities(deps),
    ...createPostmortemActivities({ ...deps, notifiers: deps.postmortemNotifiers ?? [], ...(deps.postmortemPublisher ? { publisher: deps.postmortemPublisher } : {}) }),
    ...createWebhookActivities(deps),
  }, deps);
}

export type Activities = ReturnType<typeof createActivities>;
