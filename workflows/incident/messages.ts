// The incident workflow's public contract: its input, its messages and the view front-ends render,
// including the updates through which it starts grants and sandboxes and rolls flags back: every
// message `incident:INC-N` handles is defined here. Front-ends import this file (never workflow.ts)
// to start, signal, update and query incidents. The names given to defineUpdate/defineSignal/
// defineQuery are in recorded histories and running incidents: they never change.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GrantStatus } from '../../domain/access/rules.js';
import type { FlagChange, FlagProviderKind, FlagRef, FlagStatus } from '../../domain/flags.js';
import type { Actor, IncidentDeclaration, IncidentSource, Phase, Role, Severity } from '../../domain/incident.js';
import type { TimelineEntry, TimelineKind } from '../../domain/timeline.js';
import type { ComponentChange, ComponentState, PublicUpdateRequest } from '../../domain/statuspage.js';
import type { PageRequest, PageResult } from '../../domain/paging.js';

export interface IncidentInput extends IncidentDeclaration {
  key: string;
  declaredAt: string;
  /** Present only when the workflow continued as new: everything it had learned so far. */
  carried?: IncidentState;
}

/** Children the incident owns; later features (access, sandboxes, flags, postmortem) report here. */
export interface ChildSummary {
  kind: 'grant' | 'sandbox' | 'flag' | 'action';
  id: string;
  status: string;
  summary: string;
  /** Whether resolve must tear it down (an active grant, a live sandbox). */
  needsTeardown: boolean;
}

export interface IncidentState {
  key: string;
  title: string;
  description?: string;
  severity: Severity;
  phase: Phase;
  services: string[];
  roles: Partial<Record<Role, Actor>>;
  source: IncidentSource;
  sourceRef?: string;
  reporter: Actor;
  declaredAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  lastStatusUpdateAt: string;
  lastStatusReminderAt?: string;
  lastCommanderNudgeAt?: string;
  /** Next idempotency sequence for persisted events; 0 was the declaration. */
  nextEventSeq: number;
  timeline: TimelineEntry[];
  children: ChildSummary[];
  continuedAsNewCount: number;
  /** The postmortem closed while the incident could still be reopened. */
  postmortemClosed?: boolean;
  /** The incident's public face on /status, once someone posted a public update. */
  publicPage?: PublicPageState;
}

export interface PublicPageState {
  status: 'open' | 'resolved';
  /** Public updates posted so far; the next one's key is incident + (this + 1). */
  sequence: number;
  components: Record<string, ComponentState>;
}

export interface IncidentView extends Omit<IncidentState, 'nextEventSeq' | 'children' | 'lastStatusReminderAt' | 'lastCommanderNudgeAt'> {
  grants: ChildSummary[];
  sandboxes: ChildSummary[];
  flagChanges: ChildSummary[];
  actionItems: ChildSummary[];
  /** When the next status update is due (ISO), while the incident is active. */
  statusUpdateDueAt?: string;
}

/** What the incident publishes after each event it records (an activity input, so in its history). */
export interface IncidentNotice {
  incident: string;
  /** The event's idempotency key (`INC-N:<seq>`). */
  eventKey: string;
  kind: TimelineKind;
  /** Already redacted by the persistence activity. */
  text: string;
  view: IncidentView;
}

export interface ActorInput {
  actor: Actor;
}
export interface SeverityInput extends ActorInput {
  severity: Severity;
  reason?: string;
}
export interface RoleInput extends ActorInput {
  role: Role;
  person: Actor;
}
export interface TextInput extends ActorInput {
  text: string;
}
export interface OptionalTextInput extends ActorInput {
  text?: string;
}
export interface DetailsInput extends ActorInput {
  title?: string;
  description?: string;
  services?: string[];
}

export interface PinInput extends ActorInput {
  /** Stable reference of the message, e.g. `slack:C123/1700000000.000100`. */
  ref: string;
  text: string;
  /** When the message was written (ISO); the entry sits at that time in the timeline. */
  at: string;
}
export interface UnpinInput extends ActorInput {
  ref: string;
}

export const stateQuery = defineQuery<IncidentView>('state');

export const editDetailsUpdate = defineUpdate<IncidentView, [DetailsInput]>('editDetails');
export const setSeverityUpdate = defineUpdate<IncidentView, [SeverityInput]>('setSeverity');
export const assignRoleUpdate = defineUpdate<IncidentView, [RoleInput]>('assignRole');
export const acknowledgeUpdate = defineUpdate<IncidentView, [ActorInput]>('acknowledge');
export const addNoteUpdate = defineUpdate<IncidentView, [TextInput]>('addNote');
export const postStatusUpdate = defineUpdate<IncidentView, [TextInput]>('postStatus');
export const markMitigatedUpdate = defineUpdate<IncidentView, [OptionalTextInput]>('markMitigated');
export const resolveUpdate = defineUpdate<IncidentView, [OptionalTextInput]>('resolve');
export const reopenUpdate = defineUpdate<IncidentView, [OptionalTextInput]>('reopen');
export const pinMessageUpdate = defineUpdate<IncidentView, [PinInput]>('pinMessage');
export const unpinMessageUpdate = defineUpdate<IncidentView, [UnpinInput]>('unpinMessage');

/** Children (grants, sandboxes, flag sagas, action items) report their status to the incident. */
export const childStatusSignal = defineSignal<[ChildSummary]>('childStatus');
/** Sent by the postmortem workflow when every action item is done, so the incident can close. */
export const postmortemClosedSignal = defineSignal<[ActorInput]>('postmortemClosed');
/** The incident tells its live grants and sandboxes who commands it now (decisions use today's commander). */
export const commanderChangedSignal = defineSignal<[{ commander?: Actor }]>('commanderChanged');
export const COMMANDER_TO_CHILDREN_PATCH = 'commander-to-children';
/** The incident asks each child that still needs it to tear itself down (on resolve). */
export const teardownSignal = defineSignal<[{ incident: string; reason: string }]>('teardown');
/** The incident was reopened and resolved again: its postmortem redrafts from the longer timeline. */
export const redraftSignal = defineSignal('redraft');

/** What triage context is gathered for (an activity input, so it is in the history). */
export interface TriageContextInput {
  incident: string;
  services: string[];
  declaredAt: string;
}

/** `access CAPS DURATION REASON` inside an incident: starts a grant child (`grant:GR-N`). */
export interface RequestAccessInput {
  actor: Actor;
  capabilities: string[];
  durationSeconds: number;
  reason: string;
  /** Makes the request idempotent (Slack trigger, GitHub delivery); defaults to the update ID. */
  requestKey?: string;
}

export interface RequestAccessResult {
  grant: string;
  workflowId: string;
  /** The grant as it was a moment after the request (active at once when no approval is needed). */
  status: GrantStatus | 'requested';
  /** Who is asked to approve first (policy names), empty when no approval is needed. */
  approvers: string[];
}

export const requestAccessUpdate = defineUpdate<RequestAccessResult, [RequestAccessInput]>('requestAccess');

/** `sandbox create …` and `sandbox recreate SBX-N` inside an incident: starts `sandbox:SBX-N`. */
export interface CreateSandboxInput {
  actor: Actor;
  seed?: number;
  ttlSeconds?: number;
  source?: string;
  release?: string;
  recreate?: string;
  /** Makes the request idempotent (Slack trigger, GitHub delivery); defaults to the update ID. */
  requestKey?: string;
}

export interface CreateSandboxResult {
  sandbox: string;
  workflowId: string;
  source: string;
  seed: number;
  ttlSeconds: number;
}

export const createSandboxUpdate = defineUpdate<CreateSandboxResult, [CreateSandboxInput]>('createSandbox');

// Flags: roll back (a saga over one or more flags), approve a rollback that needs a second person,
// restore, decide keep|restore after resolve, and list.

export interface RollbackFlagsInput extends ActorInput {
  /** One or more flag names; several form a saga: all are rolled back, or none stays changed. */
  flags: string[];
  environment?: string;
  reason?: string;
  /** The commander's explicit bypass of a required approval; recorded as `flag.emergency_bypass`. */
  emergency?: boolean;
}

export interface FlagInput extends ActorInput {
  flag: string;
  environment?: string;
}

export interface DecideFlagInput extends FlagInput {
  decision: 'keep' | 'restore';
}

export interface FlagOutcome {
  flag: string;
  environment: string;
  provider: FlagProviderKind;
  status: FlagStatus;
  /** What the step did, in one sentence. */
  text: string;
}

export interface FlagResult {
  ok: boolean;
  text: string;
  flags: FlagOutcome[];
}

export interface FlagListing {
  flag: string;
  environment: string;
  provider: FlagProviderKind;
  service: string;
  atDeclaration?: boolean;
  now?: boolean;
  recent: FlagChange[];
  status?: string;
  error?: string;
}

// What the flag saga hands its activities and gets back, and so writes into the incident's history.

/** The annotation of one change: its text, and a key that makes re-applying it a no-op. */
export interface ChangeNote {
  /** `Firebreak INC-N by <person>: <reason>` */
  text: string;
  /** `INC-N/<flag>/<seq>`: unique per incident, flag and incident event. */
  key: string;
}

/** One flag as the declaration-time snapshot saw it. */
export interface SnapshotEntry {
  service: string;
  ref: FlagRef;
  enabled?: boolean;
  recent: FlagChange[];
  error?: string;
}

/** Whether a rollback helped, from the service's error rate at the rollback and now. */
export interface ErrorRateVerdict {
  before?: number;
  after?: number;
  /** Undefined when there is no Prometheus, or the expression returned no sample. */
  improved?: boolean;
  text: string;
}

export const rollbackFlagsUpdate = defineUpdate<FlagResult, [RollbackFlagsInput]>('rollbackFlags');
export const approveFlagRollbackUpdate = defineUpdate<FlagResult, [FlagInput]>('approveFlagRollback');
export const restoreFlagUpdate = defineUpdate<FlagResult, [FlagInput]>('restoreFlag');
export const decideFlagUpdate = defineUpdate<FlagResult, [DecideFlagInput]>('decideFlag');
export const listFlagsUpdate = defineUpdate<FlagListing[], [ActorInput]>('listFlags');

/** `statuspage open|update|resolve`: the only way text reaches the public status page. */
export interface PublicUpdateInput extends ActorInput, PublicUpdateRequest {}
export interface PublicUpdateResult {
  incident: string;
  sequence: number;
  verb: PublicUpdateRequest['verb'];
  components: ComponentChange[];
  /** As published: redacted. */
  text: string;
  publishedAt: string;
}
export const publishStatusPageUpdate = defineUpdate<PublicUpdateResult, [PublicUpdateInput]>('publishStatusPage');

/** `page SERVICE [REASON…]`: one PagerDuty trigger for a service (payloads in domain/paging.ts). */
export interface PageInput extends ActorInput, PageRequest {}
export const pageUpdate = defineUpdate<PageResult, [PageInput]>('page');
