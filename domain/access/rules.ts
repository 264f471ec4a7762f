// Just-in-time access rules (DESIGN.md §5, issue 5), pure so the grant workflow's validators, the
// incident's request handler and the unit tests all ask the same questions of the policy.

import type { Actor } from '../incident.js';
import { formatDuration } from '../duration.js';
import { findPersonByActor, isAllowed, type CapabilityPolicy, type Policy } from '../policy/rules.js';

export const GRANT_STATUSES = ['pending', 'active', 'expired', 'revoked', 'denied', 'timed_out'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export function isLiveStatus(status: GrantStatus): boolean {
  return status === 'pending' || status === 'active';
}

export interface ApprovalRequirement {
  needsApproval: boolean;
  /** The largest quorum among the capabilities that need approval. */
  quorum: number;
  sensitive: boolean;
  /** The shortest maximum among the capabilities: a grant is as long as its strictest part. */
  maxDurationSeconds: number;
}

/** A person's key for separation of duties: the policy name, so one person is one person on every front-end. */
export function personKey(policy: Policy, actor: Actor): string {
  return findPersonByActor(policy, actor)?.name ?? `${actor.source}:${actor.id}`;
}

function capabilitiesOf(policy: Policy, names: string[]): [string, CapabilityPolicy][] {
  return names.map((n) => [n, policy.capabilities[n]!] as [string, CapabilityPolicy]);
}

export function approvalRequirement(policy: Policy, names: string[]): ApprovalRequirement {
  const caps = capabilitiesOf(policy, names).map(([, c]) => c);
  const gated = caps.filter((c) => c.approval);
  return {
    needsApproval: gated.length > 0,
    quorum: Math.max(0, ...gated.map((c) => c.quorum)),
    sensitive: caps.some((c) => c.sensitive),
    maxDurationSeconds: Math.min(...caps.map((c) => c.maxDurationSeconds)),
  };
}

function membersOf(policy: Policy, teams: string[]): Set<string> {
  return new Set(teams.flatMap((t) => policy.teams[t]?.members.map((m) => m.name) ?? []));
}

/** Whether one person may approve one capability: an approver team member, or the commander where allowed. */
function mayApproveCapability(policy: Policy, cap: CapabilityPolicy, person: string, commander: string | undefined): boolean {
  if (membersOf(policy, cap.approvers).has(person)) return true;
  return cap.commanderMayApprove && !cap.sensitive && commander !== undefined && commander === person;
}

/** Everyone who could approve every gated capability of a request, the requester excluded. */
export function eligibleApprovers(policy: Policy, names: string[], requester: string, commander?: string): string[] {
  const gated = capabilitiesOf(policy, names).filter(([, c]) => c.approval);
  const candidates = new Set([...gated.flatMap(([, c]) => [...membersOf(policy, c.approvers)]), ...(commander ? [commander] : [])]);
  return [...candidates].filter((p) => p !== requester && gated.every(([, c]) => mayApproveCapability(policy, c, p, commander))).sort();
}

export interface AccessRequestInput {
  capabilities: string[];
  durationSeconds: number;
  reason: string;
  requester: string;
  commander?: string;
}

/** Why a request cannot be made, as one sentence for the requester; undefined when it may go ahead. */
export function accessRequestProblem(policy: Policy, req: AccessRequestInput): string | undefined {
  const names = [...new Set(req.capabilities)];
  if (names.length === 0) return 'Name at least one capability, e.g. `access read-logs 1h checking 502s`.';
  const unknown = names.find((n) => !policy.capabilities[n]);
  if (unknown) return `There is no capability "${unknown}"; the policy defines ${Object.keys(policy.capabilities).join(', ') || 'none'}.`;
  if (!req.reason.trim()) return 'An access request needs a reason, e.g. `access read-logs 1h checking 502s on /pay`.';
  if (req.reason.length > 1000) return 'Keep the reason under 1000 characters.';
  if (!Number.isSafeInteger(req.durationSeconds) || req.durationSeconds <= 0) return 'Ask for a duration such as `30m` or `2h`.';
  for (const [name, cap] of capabilitiesOf(policy, names)) {
    if (req.durationSeconds > cap.maxDurationSeconds) return `${name} may be granted for at most ${formatDuration(cap.maxDurationSeconds)}; ask for that or less.`;
    if (cap.provider === 'postgres' && !cap.postgres) return `${name} cannot be granted: the policy names no postgres database and role for it.`;
    if (cap.provider === 'github-team' && !cap.githubTeam) return `${name} cannot be granted: the policy names no GitHub team for it.`;
  }
  const need = approvalRequirement(policy, names);
  if (need.needsApproval) {
    const pool = eligibleApprovers(policy, names, req.requester, req.commander);
    if (pool.length < need.quorum) {
      return `Nobody could approve ${names.join(', ')} for you: it needs ${need.quorum} approver(s) in every capability's approver teams and only ${pool.length} other than you qualify; request the capabilities separately.`;
    }
  }
  return undefined;
}

export interface ApprovalCheck {
  capabilities: string[];
  requester: string;
  approver: string;
  commander?: string;
  /** Person keys of those who already approved. */
  approvedBy: string[];
  grant: string;
  incident: string;
}

/** Separation of duties for approve and deny; undefined when the person may decide. */
export function approvalProblem(policy: Policy, check: ApprovalCheck, verb: 'approve' | 'deny' = 'approve'): string | undefined {
  if (check.approver === check.requester) return `You cannot ${verb} your own access request ${check.grant}; another approver must.`;
  const roles = check.commander ? { commander: check.commander } : {};
  const permitted = isAllowed(policy, 'approveAccess', { person: check.approver, incidentRoles: roles, incident: check.incident });
  if (!permitted.allowed) return permitted.reason;
  const refused = capabilitiesOf(policy, check.capabilities).find(([, c]) => c.approval && !mayApproveCapability(policy, c, check.approver, check.commander));
  if (refused) {
    const [name, cap] = refused;
    const teams = cap.approvers.map((t) => `team ${t}`).join(' or ');
    const commander = cap.commanderMayApprove && !cap.sensitive ? ' or the incident commander' : '';
    return `Only a member of ${teams || 'no team'}${commander} may ${verb} ${name}, so ${check.grant} needs someone else.`;
  }
  if (verb === 'approve' && check.approvedBy.includes(check.approver)) return `You have already approved ${check.grant}; it needs another approver.`;
  return undefined;
}

/** Who may end a grant early: its requester, the commander, or anyone who could approve it. */
export function revokeProblem(policy: Policy, check: Omit<ApprovalCheck, 'approvedBy'>): string | undefined {
  if (check.approver === check.requester || check.approver === check.commander) return undefined;
  const qualifies = capabilitiesOf(policy, check.capabilities).every(([, c]) => mayApproveCapability(policy, c, check.approver, check.commander));
  return qualifies ? undefined : `Only the requester, the incident commander or an approver may revoke ${check.grant}.`;
}

/** An extension may never take a grant past its capabilities' maximum, counted from activation. */
export function extensionProblem(policy: Policy, names: string[], grantedSeconds: number, extraSeconds: number, grant: string): string | undefined {
  if (!Number.isSafeInteger(extraSeconds) || extraSeconds <= 0) return 'Extend by a duration such as `30m`.';
  const max = approvalRequirement(policy, names).maxDurationSeconds;
  if (grantedSeconds + extraSeconds > max) {
    const left = Math.max(0, max - grantedSeconds);
    return `${grant} may last at most ${formatDuration(max)} in total; ${left > 0 ? `extend by ${formatDuration(left)} or less` : 'request a new grant instead'}.`;
  }
  return undefined;
}

/**
 * Whom to ask, stage by stage: first the first approver team of each capability, after
 * `access.escalateAfter` the remaining approver teams and the managers of all of them.
 */
export function escalationStages(policy: Policy, names: string[], requester: string): string[][] {
  const gated = capabilitiesOf(policy, names).filter(([, c]) => c.approval);
  const first = new Set(gated.flatMap(([, c]) => [...membersOf(policy, c.approvers.slice(0, 1))]));
  const later = new Set([
    ...gated.flatMap(([, c]) => [...membersOf(policy, c.approvers.slice(1))]),
    ...gated.flatMap(([, c]) => c.approvers.map((t) => policy.teams[t]?.manager ?? '')),
  ]);
  const stage0 = [...first].filter((p) => p !== requester).sort();
  const stage1 = [...later].filter((p) => p && p !== requester && !first.has(p)).sort();
  return [stage0, stage1].filter((s) => s.length > 0);
}
