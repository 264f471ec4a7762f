// What each outside system (Slack, GitHub, …) contributes to the activities: the notifiers that
// render incidents, access, sandboxes and postmortems into it, triage context read from it, and the
// activities of its own workflows. Built per system under activities/<system>/integration.ts, only
// when that system's settings are present; the worker process composes them.

import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config/index.js';
import type { Logger } from '../platform/logger.js';
import type { Policy } from '../domain/policy/index.js';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import type { ActivityDeps } from './index.js';
import type { AccessNotifier } from './access/notifier.js';
import type { IncidentNotifier } from './notify.js';
import type { PostmortemNotifier, PostmortemPublisher } from './postmortem/ports.js';
import type { SandboxNotifier } from './sandbox/notifier.js';
import type { ReleaseResolver } from './sandbox/provenance.js';
import type { TriageSource } from './triage.js';

export interface OutboundContext {
  config: Config;
  policy: Policy;
  db: Database;
  logger: Logger;
  redactor: Redactor;
  /** The activities' own Temporal client, for notifiers that read a workflow's state (the incident summary). */
  workflowClient: Client;
}

export interface Outbound {
  name: string;
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
  /** Activities of the system's own workflows (e.g. GitHub redelivery), registered on the worker. */
  activities?: OutboundActivities;
}

export type OutboundActivities = Record<string, (...args: never[]) => Promise<unknown>>;

/** Every system's own activities, merged for the worker. */
export function outboundActivities(outbounds: readonly Outbound[]): OutboundActivities {
  return Object.assign({}, ...outbounds.map((o) => o.activities ?? {})) as OutboundActivities;
}

/** What the systems give the core activities: every notifier and triage source, the first publisher. */
export function outboundActivityDeps(
  outbounds: readonly Outbound[],
): Pick<ActivityDeps, 'notifiers' | 'triageSources' | 'accessNotifiers' | 'sandboxNotifiers' | 'postmortemNotifiers' | 'postmortemPublisher'> {
  const publisher = outbounds.find((o) => o.postmortemPublisher)?.postmortemPublisher;
  return {
    notifiers: outbounds.flatMap((o) => o.notifiers),
    triageSources: outbounds.flatMap((o) => o.triageSources),
    accessNotifiers: outbounds.flatMap((o) => o.accessNotifiers ?? []),
    sandboxNotifiers: outbounds.flatMap((o) => o.sandboxNotifiers ?? []),
    postmortemNotifiers: outbounds.flatMap((o) => o.postmortemNotifiers ?? []),
    ...(publisher ? { postmortemPublisher: publisher } : {}),
  };
}
