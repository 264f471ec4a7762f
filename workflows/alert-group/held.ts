// A declaration held back. A triage route asks a person first (one Slack message with Accept and
// Decline); a suppression window (maintenance, quiet hours) holds declare and triage routes until
// it ends. Held changes are kept and written once the group declares: recorded, not lost. Both are
// new behaviour, so each runs only under its patch; histories from before replay as declare routes.

import { log, patched, workflowInfo } from '@temporalio/workflow';
import { activeSuppression, firingCount, mayDeclare, triageChannel, type AlertChange, type Labels, type RouteDecision } from '../../domain/alerts/index.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { auditOnly } from '../kernel/authorization.js';
import { triageMessages } from './activities.js';
import type { AlertGroupState, HeldDeclaration, TriageState } from './messages.js';

export const TRIAGE_PATCH = 'alert-triage';
export const SUPPRESSION_PATCH = 'alert-suppression';

/** Held changes kept for the timeline; a flapping group beyond this is summarised by count. */
const MAX_HELD_CHANGES = 100;

export type Gate = { hold: true } | { hold: false; released: AlertChange[]; reporter: Actor };
const HOLD: Gate = { hold: true };
const GO: Gate = { hold: false, released: [], reporter: SYSTEM_ACTOR };

/** What the gate needs of the group. */
export interface HeldGroup {
  state: AlertGroupState;
  readonly workflowId: string;
  readonly input: { source: string; groupKey: string };
}

type Routed = RouteDecision & { service: string };

const runKey = (group: HeldGroup) => `${group.workflowId}/${workflowInfo().firstExecutionRunId}`;

/**
 * Asked on a delivery while the group has no incident: hold these changes, or go ahead and declare
 * (with the changes held so far, as `reporter`). Declare routes without windows always go ahead.
 */
export async function gateDelivery(group: HeldGroup, changes: AlertChange[], labels: Labels, policy: Policy): Promise<Gate> {
  const route = group.state.route;
  if (!route || !mayDeclare(route)) return GO;
  const windows = policy.alerts?.suppress ?? [];
  const gated = route.action === 'triage' || group.state.held !== undefined || windows.some((w) => w.service === route.service);
  if (!gated) return GO;
  const held = (group.state.held ??= { labels, changes: [], dropped: 0, suppressions: 0 });
  const gate = await decide(group, route, held, policy);
  // Released, these changes are written by the delivery itself, after the ones held before them.
  if (gate.hold) {
    for (const change of changes) {
      if (held.changes.length < MAX_HELD_CHANGES) held.changes.push(change);
      else held.dropped++;
    }
  }
  return gate;
}

/** Asked by the workflow's loop after a person decided or a window ended, with nothing delivered. */
export async function gateResume(group: HeldGroup, policy: Policy): Promise<Gate> {
  const { route, held, incident } = group.state;
  if (incident !== undefined || !held || !route || !mayDeclare(route)) return HOLD;
  return decide(group, route, held, policy);
}

/** True when the loop has something to act on without a delivery: a decision taken. */
export function heldDecisionWaiting(state: AlertGroupState): boolean {
  const triage = state.held?.triage;
  return triage?.status === 'pending' && triage.decision !== undefined;
}

/** When the current window ends (epoch ms), if a window holds the group. */
export function heldUntil(state: AlertGroupState): number | undefined {
  return state.incident === undefined ? state.held?.suppression?.untilMs : undefined;
}

async function decide(group: HeldGroup, route: Routed, held: HeldDeclaration, policy: Policy): Promise<Gate> {
  const triage = held.triage;
  // A declined group stays declined for this run; its alerts are still recorded in `known`.
  if (triage?.status === 'declined') return HOLD;
  if (firingCount(group.state.known) === 0) {
    if (triage?.status === 'pending') await closeTriage(group, triage, 'resolved');
    if (held.suppression) log.info('the alert group resolved during its suppression window; nothing declared', { window: held.suppression.window });
    held.suppression = undefined;
    return HOLD;
  }
  // A question already asked is the person's to answer; a window starting meanwhile does not take it back.
  if (triage?.status === 'pending') return answer(group, route, held, triage);
  const active = activeSuppression(policy.alerts?.suppress ?? [], route.service, Date.now());
  if (active && patched(SUPPRESSION_PATCH)) {
    const current = held.suppression;
    if (!current || current.window !== active.window || current.untilMs !== active.untilMs) await recordSuppression(group, route, held, active);
    return HOLD;
  }
  held.suppression = undefined;
  if (route.action === 'triage' && (!triage || triage.status === 'resolved') && patched(TRIAGE_PATCH)) {
    return (await ask(group, route, held, policy)) ? HOLD : release(held, SYSTEM_ACTOR);
  }
  return release(held, SYSTEM_ACTOR);
}

async function answer(group: HeldGroup, route: Routed, held: HeldDeclaration, triage: TriageState): Promise<Gate> {
  const decision = triage.decision;
  if (!decision) return HOLD;
  await auditDecision(group, route, decision);
  if (decision.decision === 'decline') {
    await closeTriage(group, triage, 'declined');
    return HOLD;
  }
  triage.status = 'accepted';
  return release(held, decision.actor);
}

function release(held: HeldDeclaration, reporter: Actor): Gate {
  const released = held.changes;
  held.changes = [];
  if (held.dropped > 0) log.warn('held alert changes beyond the cap were not written one by one', { dropped: held.dropped });
  return { hold: false, released, reporter };
}

async function recordSuppression(group: HeldGroup, route: Routed, held: HeldDeclaration, active: NonNullable<ReturnType<typeof activeSuppression>>): Promise<void> {
  const since = new Date().toISOString();
  held.suppression = { ...active, since };
  const sequence = ++held.suppressions;
  log.info('alert declaration suppressed', { service: route.service, window: active.window, kind: active.kind, until: new Date(active.untilMs).toISOString() });
  await auditOnly({
    subject: group.workflowId,
    incident: group.workflowId,
    actor: SYSTEM_ACTOR,
    action: 'alert.declaration.suppressed',
    details: {
      source: group.input.source,
      groupKey: group.input.groupKey,
      service: route.service,
      window: active.window,
      kind: active.kind,
      reason: active.reason,
      until: new Date(active.untilMs).toISOString(),
      firing: firingCount(group.state.known),
    },
    at: since,
    idempotencyKey: `${runKey(group)}:suppressed:${sequence}`,
  });
}

/** Posts the question once per round; false when no one can be asked (the group then declares). */
async function ask(group: HeldGroup, route: Routed, held: HeldDeclaration, policy: Policy): Promise<boolean> {
  const round = (held.triage?.round ?? 0) + 1;
  const posted = await triageMessages.postAlertTriage({
    key: `${runKey(group)}:triage:${round}`,
    workflowId: group.workflowId,
    channel: triageChannel(policy, route.service),
    title: held.labels.alertname ?? group.input.groupKey,
    labels: held.labels,
    service: route.service,
    severity: route.severity,
    firing: firingCount(group.state.known),
  });
  if (!posted.posted) {
    log.warn('nobody could be asked to triage the alert group; declaring as a declare route would', { reason: posted.reason });
    held.triage = { status: 'unasked', round, reason: posted.reason };
    return false;
  }
  held.triage = { status: 'pending', round, channel: posted.channel, ts: posted.ts };
  return true;
}

async function auditDecision(group: HeldGroup, route: Routed, decision: NonNullable<TriageState['decision']>): Promise<void> {
  await auditOnly({
    subject: group.workflowId,
    incident: group.workflowId,
    actor: decision.actor,
    action: `alert.triage.${decision.decision === 'accept' ? 'accepted' : 'declined'}`,
    details: { source: group.input.source, groupKey: group.input.groupKey, service: route.service, firing: firingCount(group.state.known) },
    at: decision.at,
    idempotencyKey: `${runKey(group)}:triage:${group.state.held?.triage?.round ?? 1}:${decision.decision}`,
  });
}

async function closeTriage(group: HeldGroup, triage: TriageState, status: 'declined' | 'resolved'): Promise<void> {
  triage.status = status;
  await tellOutcome(group, triage);
}

/** Edits the question to say how it ended, once per round; the buttons go. */
export async function tellOutcome(group: HeldGroup, triage: TriageState | undefined = group.state.held?.triage): Promise<void> {
  if (!triage || triage.told || !triage.channel || !triage.ts) return;
  const { status, decision } = triage;
  const incident = group.state.incident;
  const outcome =
    status === 'resolved'
      ? { kind: 'resolved' as const }
      : status === 'declined' && decision
        ? { kind: 'declined' as const, by: decision.actor }
        : status === 'accepted' && decision && incident
          ? { kind: 'accepted' as const, by: decision.actor, incident }
          : undefined;
  if (!outcome) return;
  triage.told = true;
  await triageMessages.updateAlertTriage({
    key: `${runKey(group)}:triage:${triage.round}:${status}`,
    channel: triage.channel,
    ts: triage.ts,
    title: group.state.held?.labels.alertname ?? group.input.groupKey,
    outcome,
  });
}
