// The access grant workflow's public contract (`grant:GR-N`). Front-ends import this file (never
// workflow.ts) to approve, deny, revoke and extend; the request itself is an incident update
// (incident/messages.ts).

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { GrantStatus } from '../../domain/access/rules.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';

export interface AccessGrantInput {
  grant: string;
  incident: string;
  requester: Actor;
  capabilities: string[];
  durationSeconds: number;
  reason: string;
  /** The incident commander when the request was made; may approve non-sensitive capabilities. */
  commander?: Actor;
  /** The policy the incident acts on; without it the grant loads the current one. */
  policySnapshot?: Policy;
}

export interface GrantApprovalView {
  actor: Actor;
  at: string;
}

/** A provider's handle on what it created (role name, token ID, team); never the secret itself. */
export interface CredentialRef {
  provider: 'token' | 'postgres' | 'github-team';
  ref: string;
}

export interface PendingExtension {
  seconds: number;
  requestedBy: Actor;
  reason?: string;
  approvals: GrantApprovalView[];
}

export interface GrantView {
  grant: string;
  incident: string;
  requester: Actor;
  capabilities: string[];
  durationSeconds: number;
  reason: string;
  status: GrantStatus;
  quorum: number;
  approvals: GrantApprovalView[];
  requestedAt: string;
  activatedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: string;
  endedBy?: Actor;
  /** 0 while the first approvers are asked; 1 once the request escalated. */
  escalation: number;
  pendingExtension?: PendingExtension;
  credentials: CredentialRef[];
}

export interface GrantActorInput {
  actor: Actor;
  reason?: string;
}
export interface ExtendInput extends GrantActorInput {
  seconds: number;
}

export const stateQuery = defineQuery<GrantView>('state');
export const approveUpdate = defineUpdate<GrantView, [GrantActorInput]>('approve');
export const denyUpdate = defineUpdate<GrantView, [GrantActorInput]>('deny');
export const revokeUpdate = defineUpdate<GrantView, [GrantActorInput]>('revoke');
export const extendUpdate = defineUpdate<GrantView, [ExtendInput]>('extend');

// What the grant workflow hands to activities, and so writes into its history: defined here, with
// the messages, so that changing a query or a notifier cannot silently change a persisted payload.

/** One capability of a grant and where its provider acts, as the grant's policy snapshot says. */
export interface CapabilityTarget {
  name: string;
  provider: CredentialRef['provider'];
  postgres?: { database: string; readRole: string };
  githubTeam?: { org: string; team: string };
}

/** What the grant asks its providers to give, extend or take back. */
export interface GrantTargetInput {
  grant: string;
  incident: string;
  requester: Actor;
  targets: CapabilityTarget[];
}

export interface AccessNoticeBase {
  grant: string;
  incident: string;
  /** Stable per notice (`GR-N:<seq>` or `GR-N:credentials:<attempt>`), for delivery de-duplication. */
  key: string;
  view: GrantView;
}

/** Who is asked to approve (policy names); `escalation` counts the stages already passed. */
export type ApprovalRequestedNotice = AccessNoticeBase & { kind: 'approval_requested'; approvers: string[]; escalation: number };
export type DecidedNotice = AccessNoticeBase & { kind: 'decided'; decision: 'approved' | 'denied' | 'extended' | 'extension_requested'; by: Actor };
export type ExpiringNotice = AccessNoticeBase & { kind: 'expiring'; expiresAt: string };
export type EndedNotice = AccessNoticeBase & { kind: 'ended'; status: GrantView['status']; reason?: string };
/** Every notice the workflow publishes; credentials never come from the workflow. */
export type PublicAccessNotice = ApprovalRequestedNotice | DecidedNotice | ExpiringNotice | EndedNotice;
