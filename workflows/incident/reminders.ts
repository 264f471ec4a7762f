// Which durable reminder or deadline of an incident is due next: pure functions of the state and
// the severity's cadence, so the main loop and the view agree on them.

import { isActivePhase } from '../../domain/lifecycle.js';
import type { IncidentState } from './messages.js';

export interface ReminderPolicy {
  statusUpdateEverySeconds: number;
  commanderWithinSeconds: number;
  reopenWindowSeconds: number;
  /** Roles the policy requires at this severity besides the commander (policy `roles:`). */
  requiredRoles?: string[];
  /** Whether this run nudges them (runs recorded before required roles existed never did). */
  nudgeRequiredRoles?: boolean;
}

export type DueKind = 'status_update' | 'no_commander' | 'unfilled_role' | 'reopen_window_over';
export interface Due {
  kind: DueKind;
  at: number;
  /** The unfilled role an `unfilled_role` nudge is about. */
  role?: string;
}

export function statusUpdateDueAt(state: IncidentState, policy: ReminderPolicy | undefined): number | undefined {
  if (!policy || !isActivePhase(state.phase)) return undefined;
  const lastNudge = Math.max(Date.parse(state.lastStatusUpdateAt), Date.parse(state.lastStatusReminderAt ?? '') || 0);
  return lastNudge + policy.statusUpdateEverySeconds * 1000;
}

/** The earliest reminder or deadline the workflow must wake up for, if any. */
export function nextDue(state: IncidentState, policy: ReminderPolicy): Due | undefined {
  const candidates: Due[] = [];
  const status = statusUpdateDueAt(state, policy);
  if (status !== undefined) candidates.push({ kind: 'status_update', at: status });
  if (isActivePhase(state.phase) && !state.roles.commander) {
    const since = Date.parse(state.lastCommanderNudgeAt ?? state.declaredAt);
    candidates.push({ kind: 'no_commander', at: since + policy.commanderWithinSeconds * 1000 });
  }
  // Unfilled required roles are nudged on the commander's cadence, each on its own clock.
  if (policy.nudgeRequiredRoles && isActivePhase(state.phase)) {
    for (const role of policy.requiredRoles ?? []) {
      if (state.roles[role]) continue;
      const since = Date.parse(state.lastRoleNudgeAt?.[role] ?? state.declaredAt);
      candidates.push({ kind: 'unfilled_role', at: since + policy.commanderWithinSeconds * 1000, role });
    }
  }
  if (state.phase === 'resolved' && state.resolvedAt) {
    candidates.push({ kind: 'reopen_window_over', at: Date.parse(state.resolvedAt) + policy.reopenWindowSeconds * 1000 });
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}
