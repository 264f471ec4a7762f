// What a workflow sends to record one transition of something an incident owns (a grant, a
// sandbox, a postmortem, its action items). These are activity inputs, so they are written into
// workflow histories: their shape is a contract with every recorded and running workflow, defined
// here, below both the workflows that send them and the queries that store them.

import type { Actor } from './incident.js';
import type { ActionItemStatus, ActionPriority, PostmortemMetrics, PostmortemStatus } from './postmortem.js';
import type { SandboxProvenance } from './sandbox/provenance.js';

export interface ChildEventFields {
  incident: string;
  /** `<key>:<seq>`: the same on every activity retry and workflow replay. */
  idempotencyKey: string;
  at: string;
  actor: Actor;
  /** `access.approve`, `sandbox.ready`, `action.add`, … */
  action: string;
  text: string;
  details: Record<string, unknown>;
}

// Grants (`grant:GR-N`).

/** The grant row's columns a transition may set; dates as ISO text, as the workflow holds them. */
export interface GrantChanges {
  status?: string;
  approvals?: { actor: Actor; at: string }[];
  credentialRefs?: { provider: string; ref: string }[];
  activatedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: string;
}

export interface NewGrant {
  requester: Actor;
  capabilities: string[];
  durationSeconds: number;
  reason: string;
}

/** One grant transition; its idempotency key is `GR-N:<seq>`. */
export interface StoredGrantEvent extends ChildEventFields {
  grant: string;
  /** Present only on the first event: the row to create. */
  created?: NewGrant;
  changes: GrantChanges;
}

// Sandboxes (`sandbox:SBX-N`).

/** The sandbox row's columns a transition may set. */
export interface SandboxChanges {
  status?: string;
  provenance?: SandboxProvenance;
  readyAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: string;
}

export interface NewSandbox {
  requester: Actor;
  source: string;
  seed: number;
  releaseRef?: string;
  recreatedFrom?: string;
  ttlSeconds: number;
}

/** One sandbox transition; its idempotency key is `SBX-N:<seq>`. */
export interface StoredSandboxEvent extends ChildEventFields {
  sandbox: string;
  created?: NewSandbox;
  changes: SandboxChanges;
}

// Postmortems and their action items (`postmortem:INC-N`).

export interface NewPostmortem {
  owner: string;
  team?: string;
  dueAt: string;
  metrics: PostmortemMetrics;
  document: string;
}

export interface PostmortemChanges {
  status?: PostmortemStatus;
  owner?: string;
  team?: string | null;
  approver?: string;
  document?: string;
  documentUrl?: string;
  metrics?: PostmortemMetrics;
  submittedAt?: string;
  publishedAt?: string;
  closedAt?: string;
}

export interface NewActionItem {
  text: string;
  owner: string;
  team?: string;
  service?: string;
  priority: ActionPriority;
  due: string;
  createdBy: Actor;
}

export interface ActionItemChanges {
  status?: ActionItemStatus;
  owner?: string;
  team?: string | null;
  due?: string;
  issueRef?: string;
  issueUrl?: string;
  doneAt?: string | null;
  remindedAt?: string;
  escalatedAt?: string;
}

/** One postmortem or action-item change; its idempotency key is `postmortem:INC-N:<seq>`. */
export interface StoredPostmortemEvent extends ChildEventFields {
  postmortem?: { create?: NewPostmortem; changes?: PostmortemChanges };
  item?: { key: string; create?: NewActionItem; changes?: ActionItemChanges };
}
