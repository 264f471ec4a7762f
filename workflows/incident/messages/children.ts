// The updates through which an incident starts its children: grants (`access …`) and sandboxes
// (`sandbox create|recreate …`). Part of the incident's contract; re-exported by ../messages.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { GrantStatus } from '../../../domain/access/rules.js';
import type { Actor } from '../../../domain/incident.js';

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
