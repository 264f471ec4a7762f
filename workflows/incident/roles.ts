// Roles the policy defines (`roles:`): an unknown role is refused before anything is written, a
// holder of a role with instructions is sent them by DM, and required roles nobody holds are
// nudged on the commander's cadence.

import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { rolePolicy, unknownRoleProblem } from '../../domain/policy/roles-rules.js';
import type { Due } from './reminders.js';
import type { IncidentRuntime } from './state.js';

/** Runs recorded before roles had instructions sent no DM on assignment. */
export const ROLE_INSTRUCTIONS_PATCH = 'role-instructions-dm';
/** Runs recorded before required roles were nudged keep the timers they had. */
export const REQUIRED_ROLE_NUDGES_PATCH = 'required-role-nudges';

// A DM is worth a few tries over a Slack hiccup (429s wait as Slack says), not an hour of them;
// places Slack will never reach (a deactivated user) are answered, not thrown, by the activity.
const dms = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});

/** In the validator (once the policy is loaded) and again in the queue: system actors included. */
export function requireKnownRole(rt: IncidentRuntime, role: string): void {
  if (!rt.policyLoaded) return;
  const problem = unknownRoleProblem(rt.policy(), role);
  if (problem) rt.refuse('InvalidInput', problem);
}

/** The holder of a role with instructions gets them, with the incident's links, by DM once. */
export function sendRoleInstructions(rt: IncidentRuntime, role: string, holder: Actor, eventKey: string): void {
  const instructions = rolePolicy(rt.policy(), role)?.instructions;
  if (!instructions || !patched(ROLE_INSTRUCTIONS_PATCH)) return;
  const { state } = rt;
  rt.track(
    dms
      .sendRoleInstructions({ incident: state.key, eventKey, role, holder, instructions, title: state.title, severity: state.severity })
      .then((r) => (r.problem ? log.warn('role instructions not delivered', { incident: state.key, role, problem: r.problem }) : undefined))
      .catch((err: unknown) => log.warn('role instructions failed', { incident: state.key, role, error: String(err) })),
  );
}

/** Called once at the start of every run, so a run decides once whether it nudges required roles. */
export function decideRoleNudges(rt: IncidentRuntime): void {
  rt.nudgeRequiredRoles = patched(REQUIRED_ROLE_NUDGES_PATCH);
}

export async function nudgeUnfilledRole(rt: IncidentRuntime, due: Due): Promise<void> {
  const role = due.role ?? '';
  rt.state.lastRoleNudgeAt = { ...rt.state.lastRoleNudgeAt, [role]: new Date().toISOString() };
  await rt.record('reminder', SYSTEM_ACTOR, `${rt.name} has no ${role} yet, and ${rt.state.severity} needs one. Assign one with \`role ${role} @someone\`.`, {
    details: { reminder: 'unfilled_role', role },
  });
}
