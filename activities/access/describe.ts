// Plain sentences about a grant that every front-end shows the same way: what the policy asks of
// a request, and how a grant ended. They carry no secret; callers still redact and escape them.

import { approvalRequirement } from '../../domain/access/rules.js';
import { formatDuration } from '../../domain/duration.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { GrantView } from '../../workflows/access/messages.js';

export const actorName = (actor: Actor): string => actor.name ?? actor.id;

/** The policy's verdict on a request: who must approve, how many, and how long it may last. */
export function policyVerdict(policy: Policy, view: GrantView): string {
  const names = view.capabilities.filter((n) => policy.capabilities[n]);
  if (names.length === 0) return 'the policy no longer defines these capabilities';
  const need = approvalRequirement(policy, names);
  const max = `at most ${formatDuration(need.maxDurationSeconds)}`;
  if (!need.needsApproval) return `no approval needed; ${max}`;
  const gated = names.map((n) => policy.capabilities[n]!).filter((c) => c.approval);
  const teams = [...new Set(gated.flatMap((c) => c.approvers))].map((t) => `team ${t}`).join(' or ');
  const commander = gated.every((c) => c.commanderMayApprove && !c.sensitive) ? ' or the incident commander' : '';
  const sensitive = need.sensitive ? '; sensitive, so the commander alone cannot approve' : '';
  return `needs ${view.quorum || need.quorum} approval(s) from ${teams || 'nobody'}${commander}, never the requester; ${max}${sensitive}`;
}

/** Who has approved so far, for a request still waiting (`1/2: carol`). */
export function approvalProgress(view: GrantView): string {
  const approvals = view.pendingExtension?.approvals ?? view.approvals;
  const names = approvals.map((a) => actorName(a.actor)).join(', ');
  return `${approvals.length}/${view.quorum}${names ? `: ${names}` : ''}`;
}

/** Whether approvers may still act on the request (the first approval, or an extension). */
export function awaitsDecision(view: GrantView): boolean {
  if (view.status === 'pending') return view.approvals.length < view.quorum;
  return view.status === 'active' && view.pendingExtension !== undefined && view.pendingExtension.approvals.length < view.quorum;
}

/** One line for an ended grant: `GR-3 (db-readonly) expired: reached its expiry at …`. */
export function endedLine(view: GrantView, status: GrantView['status'], reason?: string): string {
  return `${view.grant} (${view.capabilities.join(', ')}) ${status.replace('_', ' ')}${reason ? `: ${reason}` : ''}`;
}
