// Which pending access requests are waiting for one person: exactly those the grant workflow would
// let them approve now (domain/access/rules.ts approvalProblem, the decision point), so the Home
// never offers an Approve button the workflow would refuse, nor hides one it would accept.

import { approvalProblem, approvalRequirement, personKey } from '../access/rules.js';
import type { Actor } from '../incident.js';
import type { Policy } from '../policy/index.js';

export interface PendingGrant {
  grant: string;
  incident: string;
  requester: Actor;
  capabilities: string[];
  approvedBy: Actor[];
  /** The incident's commander, who may approve some capabilities. */
  commander?: Actor;
}

/** The grants `approver` (a policy name) may approve now, with the quorum they count towards. */
export function grantsAwaiting(policy: Policy, approver: string, grants: PendingGrant[]): Array<PendingGrant & { quorum: number }> {
  const waiting: Array<PendingGrant & { quorum: number }> = [];
  for (const g of grants) {
    // A capability the policy no longer defines cannot be approved by anyone.
    if (g.capabilities.some((name) => !policy.capabilities[name])) continue;
    const quorum = approvalRequirement(policy, g.capabilities).quorum;
    if (g.approvedBy.length >= quorum) continue;
    const problem = approvalProblem(policy, {
      capabilities: g.capabilities,
      requester: personKey(policy, g.requester),
      approver,
      ...(g.commander ? { commander: personKey(policy, g.commander) } : {}),
      approvedBy: g.approvedBy.map((a) => personKey(policy, a)),
      grant: g.grant,
      incident: g.incident,
    });
    if (problem === undefined) waiting.push({ ...g, quorum });
  }
  return waiting;
}
