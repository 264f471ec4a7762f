// What the incident workflow asks the persistence activity to record. One event = one timeline row,
// optional column changes on the incident, and (for state changes) one audit entry, all committed
// together under one idempotency key.

import type { Actor, Phase, Role, Severity } from './incident.js';

export type TimelineKind =
  | 'declared'
  | 'phase'
  | 'severity'
  | 'role'
  | 'details'
  | 'note'
  | 'status_update'
  | 'reminder'
  | 'teardown'
  | 'child'
  /** A chat message someone marked for the timeline (Slack reaction); removable by its ref. */
  | 'pinned'
  /** What changed around the incident's start: deploys, releases, merged PRs, similar incidents. */
  | 'context'
  /** A task added, closed, reopened, assigned, waived or overdue, or a checklist attached (domain/tasks.ts). */
  | 'task'
  /** The incident was made private or public, or someone was added to a private incident. */
  | 'privacy';

export interface IncidentChanges {
  title?: string;
  description?: string | null;
  severity?: Severity;
  phase?: Phase;
  services?: string[];
  roles?: Partial<Record<Role, Actor>>;
  acknowledgedAt?: string | null;
  mitigatedAt?: string | null;
  resolvedAt?: string | null;
  closedAt?: string | null;
  private?: boolean;
  /** People added to a private incident explicitly (`invite @user`). */
  members?: Actor[];
}

export interface IncidentEvent {
  incident: string;
  /** `INC-N:<seq>`: stable across activity retries and workflow replays. */
  idempotencyKey: string;
  /** ISO time from the workflow clock. */
  at: string;
  kind: TimelineKind;
  actor: Actor;
  /** Human-readable; redacted by the activity before it is stored or sent anywhere. */
  text: string;
  details?: Record<string, unknown>;
  changes?: IncidentChanges;
  /** Set for privileged state changes, e.g. `incident.resolve`; reminders carry none. */
  auditAction?: string;
}

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  actor: Actor;
  text: string;
  /** External reference of a pinned message, e.g. `slack:C123/1700000000.000100`. */
  ref?: string;
}
