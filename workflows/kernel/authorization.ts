// How workflows ask the policy decision point (domain/authorization). Every workflow uses these two
// calls: `check` in update validators turns away what is refused without an audit row (cheap, and
// no history for a guest's noise), `enforce` in the serial queue decides again from the state at
// the moment the action happens and audits privileged refusals before refusing.

import { currentUpdateInfo, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { decide, resolveActor, type Action, type Facts, type Verdict } from '../../domain/authorization/index.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { refuse } from './refusal.js';

const audit = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** An audit row that changes nothing else (a refusal, a pin taken off the timeline). */
export const auditOnly = audit.recordAuditEntry;

/**
 * Histories written before the decision point took decisions inside handlers replay without it:
 * what they accepted was accepted under the rules of their day.
 */
export const DECISION_POINT_PATCH = 'policy-decision-point';

export interface Decision {
  action: Action;
  facts?: Facts;
}

export function verdictOf(policy: Policy, actor: Actor, decision: Decision): Verdict {
  return decide(policy, decision.action, resolveActor(policy, actor), decision.facts);
}

/** For validators: refuses only what needs no audit row; privileged refusals go on to `enforce`. */
export function check(policy: Policy, actor: Actor, decision: Decision): void {
  const verdict = verdictOf(policy, actor, decision);
  if (!verdict.allowed && !verdict.privileged) refuse('NotAllowed', verdict.reason);
}

/** For handlers, in the serial queue: decides from the current state, audits a privileged refusal. */
export async function enforce(policy: Policy, actor: Actor, decision: Decision, where: { subject: string; incident: string }): Promise<void> {
  if (!patched(DECISION_POINT_PATCH)) return;
  const verdict = verdictOf(policy, actor, decision);
  if (verdict.allowed) return;
  if (verdict.privileged) {
    const updateId = currentUpdateInfo()?.id ?? 'signal';
    await auditOnly({
      subject: where.subject,
      incident: where.incident,
      actor,
      action: `authz.refused.${decision.action}`,
      details: { reason: verdict.reason },
      at: new Date().toISOString(),
      idempotencyKey: `${where.subject}:refused:${decision.action}:${updateId}`,
    });
  }
  refuse('NotAllowed', verdict.reason);
}
