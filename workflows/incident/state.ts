// Pure helpers over the incident state: building it, rendering the view, and working out which
// durable reminder is due next. Kept apart from workflow.ts so the workflow reads as a story.

import type { Severity } from '../../domain/incident.js';
import { isActivePhase } from '../../domain/lifecycle.js';
import type { TimelineEntry } from '../../domain/timeline.js';
import type { IncidentInput, IncidentState, IncidentView } from './messages.js';

export interface ReminderPolicy {
  statusUpdateEverySeconds: number;
  commanderWithinSeconds: number;
  reopenWindowSeconds: number;
}

export type DueKind = 'status_update' | 'no_commander' | 'reopen_window_over';
export interface Due {
  kind: DueKind;
  at: number;
}

export function initialState(input: IncidentInput): IncidentState {
  return {
    key: input.key,
    title: input.title,
    description: input.description,
    severity: input.severity,
    phase: 'declared',
    services: [...input.services],
    roles: {},
    source: input.source,
    sourceRef: input.sourceRef,
    reporter: input.reporter,
    declaredAt: input.declaredAt,
    lastStatusUpdateAt: input.declaredAt,
    nextEventSeq: 1,
    // The declaration itself was recorded by the declare workflow as event 0.
    timeline: [{ at: input.declaredAt, kind: 'declared', actor: input.reporter, text: `Declared ${input.severity}: ${input.title}` }],
    children: [],
    continuedAsNewCount: 0,
  };
}

export function appendTimeline(state: IncidentState, entry: TimelineEntry, limit: number): void {
  state.timeline.push(entry);
  if (state.timeline.length > limit) state.timeline.splice(0, state.timeline.length - limit);
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
  if (state.phase === 'resolved' && state.resolvedAt) {
    candidates.push({ kind: 'reopen_window_over', at: Date.parse(state.resolvedAt) + policy.reopenWindowSeconds * 1000 });
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}

export function toView(state: IncidentState, policy: ReminderPolicy | undefined): IncidentView {
  const { nextEventSeq: _seq, children, lastStatusReminderAt: _r, lastCommanderNudgeAt: _n, ...rest } = state;
  const due = statusUpdateDueAt(state, policy);
  return {
    ...rest,
    timeline: [...state.timeline],
    grants: children.filter((c) => c.kind === 'grant'),
    sandboxes: children.filter((c) => c.kind === 'sandbox'),
    flagChanges: children.filter((c) => c.kind === 'flag'),
    actionItems: children.filter((c) => c.kind === 'action'),
    statusUpdateDueAt: due === undefined ? undefined : new Date(due).toISOString(),
  };
}

export function describeSeverityChange(from: Severity, to: Severity, reason?: string): string {
  return `Severity ${from} → ${to}${reason ? `: ${reason}` : ''}`;
}
