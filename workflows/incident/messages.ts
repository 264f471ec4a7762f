// The incident workflow's public contract: its input, its messages and the view front-ends render,
// including the updates through which it starts grants and sandboxes and rolls flags back: every
// message `incident:INC-N` handles is defined here or in messages/ (re-exported below). Front-ends import this file (never workflow.ts)
// to start, signal, update and query incidents. The names given to defineUpdate/defineSignal/
// defineQuery are in recorded histories and running incidents: they never change.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, IncidentDeclaration, IncidentSource, Phase, Role, Severity } from '../../domain/incident.js';
import type { TimelineEntry, TimelineKind } from '../../domain/timeline.js';
import type { ComponentState } from '../../domain/statuspage.js';
import type { ActorInput } from './messages/actor.js';
import type { AlertGroupNoteEvent } from '../../domain/alerts/types.js';
import type { IncidentTask } from '../../domain/tasks.js';
import type { RecentUpdate } from '../kernel/recent-updates.js';

// The updates by concern, each in its own file: children (grants, sandboxes), flags, and the
// outward ones (status page, paging). Callers still import everything from here.
export * from './messages/actor.js';
export * from './messages/children.js';
export * from './messages/comms.js';
export * from './messages/flags.js';
export * from './messages/rules.js';
export * from './messages/roles.js';
export * from './messages/tasks.js';
export * from './messages/privacy.js';

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
  /** Pages the timeline told of: `auto` when the declaration paged (taking command acknowledges it), `open` until a resolution resolves them. */
  pages?: { auto: boolean; open: boolean };
  /** Automation rule runs started so far, by rule key (the loop guard counts them). */
  ruleRuns?: Record<string, number>;
  /** Rules stopped for running too often in this incident (said once on the timeline). */
  rulesStopped?: string[];
  /** When each unfilled required role (policy `roles:`) was last nudged, by role. */
  lastRoleNudgeAt?: Record<string, string>;
  /** Updates applied recently, carried across continue-as-new so a retried request acts once (kernel/recent-updates.ts). */
  recentUpdates?: RecentUpdate[];
  /** Tasks (TASK-N) added by hand, from reactions and from checklists (domain/tasks.ts). */
  tasks?: IncidentTask[];
  /** Keys of the policy checklists attached, each once. */
  checklists?: string[];
  /** Capabilities a grant was requested of, for checklists that attach on them. */
  requestedCapabilities?: string[];
  /** Off every public path; only members see it (domain/policy/privacy-rules.ts). */
  private?: boolean;
  /** People added to the private incident explicitly (`invite @user`). */
  members?: Actor[];
}

export interface PublicPageState {
  status: 'open' | 'resolved';
  /** Public updates posted so far; the next one's key is incident + (this + 1). */
  sequence: number;
  components: Record<string, ComponentState>;
  /** The resolution (its resolvedAt) the incident last asked about this public incident for. */
  askedOnResolve?: string;
}

export interface IncidentView extends Omit<IncidentState, 'nextEventSeq' | 'children' | 'lastStatusReminderAt' | 'lastCommanderNudgeAt' | 'recentUpdates'> {
  grants: ChildSummary[];
  sandboxes: ChildSummary[];
  flagChanges: ChildSummary[];
  actionItems: ChildSummary[];
  /** When the next status update is due (ISO), while the incident is active. */
  statusUpdateDueAt?: string;
  /** Roles the policy requires at the incident's severity, held or not (summary and `status` show them). */
  requiredRoles?: string[];
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
  /** On an alert group's note (system actor only): what the group did, for automation rules' triggers. */
  alertGroup?: AlertGroupNoteEvent;
}
export type { AlertGroupNoteEvent } from '../../domain/alerts/types.js';
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
