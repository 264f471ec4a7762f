// The postmortem workflow's public contract (`postmortem:INC-N`). Front-ends import this file
// (never workflow.ts) to start, steer and query a postmortem and its action items.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../domain/incident.js';
import type { Person } from '../../domain/policy/index.js';
import type { ActionItemStatus, ActionPriority, PostmortemMetrics, PostmortemStatus } from '../../domain/postmortem.js';

export interface PostmortemInput {
  incident: string;
  /** Who started it: the system on resolve, or whoever ran `postmortem`. */
  requestedBy: Actor;
  /** `postmortem owner:@u`: the owner asked for; otherwise the commander. */
  owner?: Actor;
  /** Present only after continue-as-new. */
  carried?: PostmortemState;
}

export interface ActionItemState {
  key: string;
  text: string;
  /** Policy person name. */
  owner: string;
  team?: string;
  due: string;
  priority: ActionPriority;
  status: ActionItemStatus;
  issueRef?: string;
  issueUrl?: string;
  /** Reminder and escalation bookkeeping, per due date so a new date re-arms them. */
  remindedFor?: string;
  overdueNoticeFor?: string;
  escalatedFor?: string;
}

export interface PostmortemState {
  incident: string;
  status: PostmortemStatus;
  owner: string;
  team?: string;
  approver?: string;
  dueAt: string;
  metrics: PostmortemMetrics;
  documentUrl?: string;
  items: ActionItemState[];
  /** Everyone who owned the postmortem while it was in review: none of them may approve it. */
  reviewOwners?: string[];
  overdueNoticeFor?: string;
  escalatedFor?: string;
  /** Next idempotency sequence of persisted events. */
  nextEventSeq: number;
  continuedAsNewCount: number;
}

export type PostmortemView = Omit<PostmortemState, 'nextEventSeq'>;

export interface PostmortemActorInput {
  actor: Actor;
}
export interface SetOwnerInput extends PostmortemActorInput {
  owner: Actor;
}
export interface AddActionInput extends PostmortemActorInput {
  text: string;
  owner: Actor;
  /** YYYY-MM-DD */
  due: string;
  priority: ActionPriority;
  /** Makes the request idempotent (Slack trigger, GitHub delivery, CLI token). */
  requestKey: string;
}
export interface SetActionStatusInput extends PostmortemActorInput {
  item: string;
  status: ActionItemStatus;
  /** `github` when the change came from the issue itself, so it is not written back to it. */
  via?: 'github';
}
export interface AssignActionInput extends PostmortemActorInput {
  item: string;
  owner: Actor;
}

export const postmortemStateQuery = defineQuery<PostmortemView>('state');
export const setPostmortemOwnerUpdate = defineUpdate<PostmortemView, [SetOwnerInput]>('setOwner');
/** `postmortem publish`: the owner submits the draft for review; it is committed to GitHub. */
export const submitPostmortemUpdate = defineUpdate<PostmortemView, [PostmortemActorInput]>('submit');
/** `postmortem approve`: someone other than the owner approves; it is published. */
export const approvePostmortemUpdate = defineUpdate<PostmortemView, [PostmortemActorInput]>('approve');
export const addActionUpdate = defineUpdate<ActionItemState, [AddActionInput]>('addAction');
export const setActionStatusUpdate = defineUpdate<ActionItemState, [SetActionStatusInput]>('setActionStatus');
export const assignActionUpdate = defineUpdate<ActionItemState, [AssignActionInput]>('assignAction');

// What the postmortem workflow hands to activities, and so writes into its history: defined here,
// with the messages, so that changing a query or a notifier cannot silently change it.

/** The first event of a postmortem: the draft is written from the incident's timeline. */
export interface DraftPostmortemInput {
  incident: string;
  idempotencyKey: string;
  at: string;
  requestedBy: Actor;
  owner?: Actor;
}

export interface DraftedPostmortem {
  status: PostmortemStatus;
  owner: string;
  team?: string;
  dueAt: string;
  metrics: PostmortemMetrics;
}

export type PostmortemAudience =
  /** The incident's own places: its Slack channel, its GitHub issue. */
  | { kind: 'incident' }
  /** One person, privately (a Slack DM). */
  | { kind: 'person'; person: Person }
  /** A team's weekly digest: its channel when the policy names one, else its manager by DM. */
  | { kind: 'team'; team: string; manager: Person; channel?: string };

export interface PostmortemNotice {
  /** The incident it is about; absent for a team digest. */
  incident?: string;
  /** Stable per delivery: a retried activity must not post twice. */
  key: string;
  audience: PostmortemAudience;
  /** Markdown-ish text (`*bold*`, links as <url|label> are not used: plain URLs). */
  text: string;
}
