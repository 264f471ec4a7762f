// The policy decision point (DESIGN.md §5): every state-changing update of every workflow asks
// `decide` with the action, the resolved actor and facts read from the workflow's CURRENT state
// (today's commander, today's owner), and gets allow or one refusal sentence. Handlers never
// decide on their own; pure, so the same question gets the same answer on replay.

import { approvalProblem, revokeProblem } from '../access/rules.js';
import type { Role } from '../incident.js';
import { isAllowed, type Permission, type Policy } from '../policy/rules.js';
import { ACTION_TEXT, GUEST_GRANTABLE, isPrivileged, type Action } from '../policy/actions.js';
import { unknownRoleProblem } from '../policy/roles-rules.js';
import type { ResolvedActor } from './actors.js';

/** What the decision needs to know about the thing acted on, as person keys. */
export interface Facts {
  /** The incident (or grant, sandbox) named in refusals. */
  subject?: string;
  incident?: string;
  /** Who holds each role now. */
  roles?: Partial<Record<Role, string>>;
  /** Who asked for the grant or sandbox acted on. */
  requester?: string;
  /** Who asked for the extension waiting for approval, if one is. */
  extensionRequester?: string;
  capabilities?: string[];
  /** Who already approved the pending request (or extension). */
  approvedBy?: string[];
  /** Who pinned the message being unpinned. */
  pinAuthor?: string;
  /** The person a role is given to, and the role (a built-in one or one the policy defines). */
  assignee?: ResolvedActor;
  role?: string;
  /** The postmortem's owner now, and everyone who owned it while it was in review. */
  owner?: string;
  reviewOwners?: string[];
  ownerManager?: string;
  /** The incident is private, and the policy names of its members now (policy, reporter, roles, invited). */
  privateIncident?: boolean;
  members?: string[];
  /** The person being added to a private incident. */
  invitee?: ResolvedActor;
}

export type Verdict = { allowed: true; privileged: boolean } | { allowed: false; privileged: boolean; reason: string };

type Rule = (policy: Policy, person: string, facts: Facts) => string | undefined;

const allow = (): undefined => undefined;

function permission(name: Permission): Rule {
  return (policy, person, facts) => {
    const verdict = isAllowed(policy, name, { person, incidentRoles: facts.roles ?? {}, incident: facts.incident ?? facts.subject ?? 'this incident' });
    return verdict.allowed ? undefined : verdict.reason;
  };
}

function both(...rules: Rule[]): Rule {
  return (policy, person, facts) => {
    for (const rule of rules) {
      const problem = rule(policy, person, facts);
      if (problem) return problem;
    }
    return undefined;
  };
}

const subjectOf = (f: Facts) => f.subject ?? f.incident ?? 'this';

const approvalCheck = (person: string, f: Facts) => ({
  capabilities: f.capabilities ?? [],
  requester: f.requester ?? '',
  approver: person,
  ...(f.roles?.commander ? { commander: f.roles.commander } : {}),
  approvedBy: f.approvedBy ?? [],
  grant: subjectOf(f),
  incident: f.incident ?? '',
});

/** Nobody decides on what they asked for, the original request or the extension alike. */
const notTheExtensionRequester =
  (verb: string): Rule =>
  (_p, person, f) =>
    f.extensionRequester === person ? `You cannot ${verb} the extension you asked for on ${subjectOf(f)}; another approver must.` : undefined;

const requesterOrCommander =
  (what: string, extra?: Permission): Rule =>
  (policy, person, f) => {
    if (person === f.requester || person === f.roles?.commander) return undefined;
    if (extra && isAllowed(policy, extra, { person, incidentRoles: f.roles ?? {} }).allowed) return undefined;
    const who = [`the requester${f.requester ? ` (${f.requester})` : ''}`, 'the incident commander', ...(extra ? [`someone permissions.${extra} names`] : [])];
    return `Only ${who.slice(0, -1).join(', ')} or ${who[who.length - 1]} may ${what} ${subjectOf(f)}.`;
  };

const RULES: Record<Action, Rule> = {
  declare: permission('declare'),
  note: allow,
  pin: allow,
  // An entry whose author is no longer known (trimmed from the workflow's timeline) is the commander's.
  unpin: (_p, person, f) =>
    (f.pinAuthor !== undefined && person === f.pinAuthor) || person === f.roles?.commander
      ? undefined
      : `Only the person who pinned it${f.pinAuthor ? ` (${f.pinAuthor})` : ''} or the incident commander may take it off the timeline of ${subjectOf(f)}.`,
  statusUpdate: allow,
  editDetails: allow,
  mitigate: allow,
  acknowledge: allow,
  severity: permission('severity'),
  assignRole: both(
    (policy, _person, f) => (f.role === undefined ? undefined : unknownRoleProblem(policy, f.role)),
    permission('assignRole'),
    (_p, _person, f) =>
      f.assignee?.kind === 'guest' ? `${f.assignee.key} is not in any team of the policy and cannot hold an incident role; add them to a team first.` : undefined,
  ),
  resolve: permission('resolve'),
  reopen: permission('reopen'),
  requestAccess: allow,
  approveAccess: both(notTheExtensionRequester('approve'), (policy, person, f) => approvalProblem(policy, approvalCheck(person, f), 'approve')),
  denyAccess: both(notTheExtensionRequester('deny'), (policy, person, f) => approvalProblem(policy, { ...approvalCheck(person, f), approvedBy: [] }, 'deny')),
  revokeAccess: (policy, person, f) => revokeProblem(policy, approvalCheck(person, f)),
  extendAccess: requesterOrCommander('extend'),
  createSandbox: allow,
  extendSandbox: requesterOrCommander('extend', 'manageSandboxes'),
  destroySandbox: requesterOrCommander('destroy', 'manageSandboxes'),
  rollbackFlag: permission('rollbackFlag'),
  restoreFlag: permission('rollbackFlag'),
  keepFlag: permission('rollbackFlag'),
  emergencyBypass: permission('emergencyBypass'),
  setPostmortemOwner: allow,
  submitPostmortem: (_p, person, f) =>
    person === f.owner || person === f.ownerManager
      ? undefined
      : `Only the owner (${f.owner})${f.ownerManager ? ` or their manager (${f.ownerManager})` : ''} may submit the postmortem of ${subjectOf(f)}.`,
  approvePostmortem: both((_p, person, f) => {
    if (person === f.owner) return `${person} owns the postmortem of ${subjectOf(f)} and cannot approve it; someone else must.`;
    if (f.reviewOwners?.includes(person)) return `${person} owned the postmortem of ${subjectOf(f)} during its review and cannot approve it; someone else must.`;
    return undefined;
  }, permission('approvePostmortem')),
  addActionItem: allow,
  updateActionItem: allow,
  publicUpdate: permission('publicUpdate'),
  page: permission('page'),
  addTask: allow,
  changeTask: allow,
  // A waived required task no longer holds resolve back: the person who ends the incident decides.
  waiveTask: (_p, person, f) =>
    person === f.roles?.commander ? undefined : `Only the incident commander${f.roles?.commander ? ` (${f.roles.commander})` : ''} may waive a task of ${subjectOf(f)}.`,
  addChecklist: allow,
  invite: (_p, person, f) => {
    if (f.privateIncident && !f.members?.includes(person)) return `Only members of ${subjectOf(f)} may add people to it${commanderHint(f)}.`;
    if (f.invitee?.kind === 'guest') return `${f.invitee.key} is not in any team of the policy and cannot be added to ${subjectOf(f)}; add them to a team first.`;
    return undefined;
  },
  makePrivate: allow,
  // Sends recorded events (already filtered for private incidents per subscriber) out again.
  replayWebhooks: allow,
  makePublic: (_p, person, f) =>
    person === f.roles?.commander ? undefined : `Only the incident commander${f.roles?.commander ? ` (${f.roles.commander})` : ''} may make ${subjectOf(f)} public again.`,
};

function commanderHint(f: Facts): string {
  return f.roles?.commander ? `; ask the commander, ${f.roles.commander}` : '';
}

function guestRefusal(policy: Policy, action: Action, actor: { key: string }): string {
  const may = policy.guests.may.map((a) => ACTION_TEXT[a]);
  const open = may.length ? `; people outside every team may only ${may.join(', ')}` : '';
  return `${actor.key} is not in any team of the policy, so Firebreak does not let them ${ACTION_TEXT[action]}${open}. Ask to be added to a team.`;
}

export function decide(policy: Policy, action: Action, actor: ResolvedActor, facts: Facts = {}): Verdict {
  const privileged = isPrivileged(action);
  if (actor.kind === 'system') return { allowed: true, privileged };
  if (actor.kind === 'guest') {
    // A guest may unpin only what they pinned themselves, and only if guests may pin at all.
    const opened = action === 'unpin' ? policy.guests.may.includes('pin') : (GUEST_GRANTABLE as readonly string[]).includes(action) && (policy.guests.may as readonly string[]).includes(action);
    if (!opened) return { allowed: false, privileged, reason: guestRefusal(policy, action, actor) };
    const problem = action === 'unpin' ? RULES.unpin(policy, actor.key, facts) : undefined;
    return problem ? { allowed: false, privileged, reason: problem } : { allowed: true, privileged };
  }
  const problem = (action === 'invite' ? undefined : outsidePrivateIncident(actor.key, facts)) ?? RULES[action](policy, actor.key, facts);
  return problem ? { allowed: false, privileged, reason: problem } : { allowed: true, privileged };
}

/**
 * A private incident is changed by its members only: someone outside it learns nothing but that it
 * exists (and whom to ask), so they cannot write to it either, whatever their permissions.
 * (`invite` says the same in its own words.)
 */
function outsidePrivateIncident(person: string, f: Facts): string | undefined {
  if (!f.privateIncident || f.members === undefined || f.members.includes(person)) return undefined;
  return `${subjectOf(f)} is private: only its members may act on it${f.roles?.commander ? `; ask the commander, ${f.roles.commander}, to add you` : '; ask its reporter to add you'}.`;
}
