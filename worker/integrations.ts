// Each integration (Slack, GitHub) contributes HTTP routes, incident notifiers, triage context
// sources and background work. Only the integrations whose settings are present are built.

import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../activities/index.js';
import type { AccessNotifier } from '../activities/access/notifier.js';
import type { IncidentNotifier } from '../activities/notify.js';
import type { PostmortemNotifier, PostmortemPublisher } from '../activities/postmortem/ports.js';
import type { SandboxNotifier } from '../activities/sandbox/notifier.js';
import type { ReleaseResolver } from '../activities/sandbox/provenance.js';
import type { TriageSource } from '../activities/triage.js';
import type { Route } from '../platform/http/server.js';
import type { Config } from '../platform/config/index.js';
import type { Policy } from '../domain/policy/index.js';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../platform/logger.js';

export interface IntegrationContext {
  config: Config;
  policy: Policy;
  db: Database;
  /** Temporal client for front-ends (start, update, query workflows). */
  client: Client;
  taskQueue: string;
  logger: Logger;
  redactor: Redactor;
}

export interface Integration {
  name: string;
  routes: Route[];
  notifiers: IncidentNotifier[];
  triageSources: TriageSource[];
  /** Delivery of access notices and credentials (DMs, ephemeral messages). */
  accessNotifiers?: AccessNotifier[];
  /** Delivery of sandbox credentials (DM only) and reproduction playbooks. */
  sandboxNotifiers?: SandboxNotifier[];
  /** Postmortem news (channel, issue), reminders and escalations (DMs), team digests. */
  postmortemNotifiers?: PostmortemNotifier[];
  /** GitHub: postmortem documents and action-item issues. */
  postmortemPublisher?: PostmortemPublisher;
  /** `release:REF` → commit SHA for sandbox provenance (GitHub). */
  resolveRelease?: ReleaseResolver;
  /** Activities of the integration's own workflows (e.g. GitHub redelivery), registered on the worker. */
  activities?: IntegrationActivities;
  /** Background work started after the worker is up (Socket Mode, schedules); stopped on shutdown. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export type IntegrationActivities = Record<string, (...args: never[]) => Promise<unknown>>;

export type IntegrationFactory = (ctx: IntegrationContext) => Promise<Integration | undefined>;

export async function buildIntegrations(ctx: IntegrationContext, factories: IntegrationFactory[]): Promise<Integration[]> {
  const built: Integration[] = [];
  for (const factory of factories) {
    const integration = await factory(ctx);
    if (integration) built.push(integration);
  }
  return built;
}

/** Every integration's own activities, merged for the worker. */
export function integrationActivities(integrations: Integration[]): IntegrationActivities {
  return Object.assign({}, ...integrations.map((i) => i.activities ?? {})) as IntegrationActivities;
}

/** What the integrations give the core activities: every notifier and triage source, the first publisher. */
export function integrationActivityDeps(
  integrations: readonly Integration[],
): Pick<ActivityDeps, 'notifiers' | 'triageSources' | 'accessNotifiers' | 'sandboxNotifiers' | 'postmortemNotifiers' | 'postmortemPublisher'> {
  const publisher = integrations.find((i) => i.postmortemPublisher)?.postmortemPublisher;
  return {
    notifiers: integrations.flatMap((i) => i.notifiers),
    triageSources: integrations.flatMap((i) => i.triageSources),
    accessNotifiers: integrations.flatMap((i) => i.accessNotifiers ?? []),
    sandboxNotifiers: integrations.flatMap((i) => i.sandboxNotifiers ?? []),
    postmortemNotifiers: integrations.flatMap((i) => i.postmortemNotifiers ?? []),
    ...(publisher ? { postmortemPublisher: publisher } : {}),
  };
}
