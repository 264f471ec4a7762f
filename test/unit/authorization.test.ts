// The decision table of DESIGN.md §5, row by row: for every action an allowed principal, a refused
// one, a guest and (where a role or ownership matters) someone who held it before.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS, GUEST_GRANTABLE, decide, isPrivileged, resolveActor, type Action, type Facts } from '../../domain/authorization/index.js';
import type { Actor } from '../../domain/incident.js';
import { parsePolicy, PolicyError } from '../../domain/policy/index.js';

const fixture = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const policy = parsePolicy(fixture, 'policy.yaml');

const slack = (id: string): Actor => ({ source: 'slack', id });
const alice = resolveActor(policy, slack('U0ALICE'));
const bob = resolveActor(policy, slack('U0BOB'));
const carol = resolveActor(policy, slack('U0CAROL'));
const dave = resolveActor(policy, slack('U0DAVE'));

const incident = (commander?: string): Facts => ({ incident: 'INC-1', roles: commander ? { commander } : {} });

describe('identities', () => {
  it('resolves one person the same from Slack, GitHub and the CLI, and strangers as guests', () => {
    expect(resolveActor(policy, { source: 'github', id: 'Bob-GH' })).toMatchObject({ kind: 'member', key: 'bob' });
    expect(resolveActor(policy, { source: 'cli', id: 'bob' })).toMatchObject({ kind: 'member', key: 'bob' });
    expect(dave).toEqual({ kind: 'guest', key: 'slack:U0DAVE' });
    expect(resolveActor(policy, { source: 'github', id: 'mallory-gh' })).toEqual({ kind: 'guest', key: 'github:mallory-gh' });
    expect(resolveActor(policy, { source: 'system', id: 'firebreak' })).toEqual({ kind: 'system' });
  });

  it('a guest who names themselves commander does not match role:commander', () => {
    // The old fall-through: slack:<id> held the role and so matched role:commander and "anyone".
    const verdict = decide(policy, 'resolve', dave, incident('slack:U0DAVE'));
    expect(verdict.allowed).toBe(false);
  });
});

describe('guests', () => {
  it.each(['declare', 'note', 'pin'] as Action[])('may %s by default', (action) => {
    expect(decide(policy, action, dave, incident()).allowed).toBe(true);
  });

  const never = ACTIONS.filter((a) => !(['declare', 'note', 'pin', 'unpin'] as Action[]).includes(a));
  it.each(never)('may not %s by default, with a sentence that says why', (action) => {
    const verdict = decide(policy, action, dave, { ...incident('slack:U0DAVE'), requester: 'slack:U0DAVE', owner: 'slack:U0DAVE', pinAuthor: 'slack:U0DAVE' });
    expect(verdict).toMatchObject({ allowed: false });
    if (!verdict.allowed) expect(verdict.reason).toMatch(/^slack:U0DAVE is not in any team of the policy/);
  });

  it('may unpin only what they pinned themselves', () => {
    expect(decide(policy, 'unpin', dave, { ...incident('alice'), pinAuthor: 'slack:U0DAVE' }).allowed).toBe(true);
    expect(decide(policy, 'unpin', dave, { ...incident('alice'), pinAuthor: 'bob' }).allowed).toBe(false);
  });

  it('the policy can open only harmless actions to guests', () => {
    const open = parsePolicy(`${fixture}\nguests:\n  may: [declare, note, statusUpdate]\n`, 'policy.yaml');
    expect(decide(open, 'statusUpdate', resolveActor(open, slack('U0DAVE')), incident()).allowed).toBe(true);
    expect(decide(open, 'pin', resolveActor(open, slack('U0DAVE')), incident()).allowed).toBe(false);
    expect(() => parsePolicy(`${fixture}\nguests:\n  may: [resolve]\n`, 'policy.yaml')).toThrow(PolicyError);
    expect(() => parsePolicy(`${fixture}\nguests:\n  may: [approveAccess]\n`, 'policy.yaml')).toThrow(/guests\.may/);
    expect(GUEST_GRANTABLE).not.toContain('assignRole');
  });
});

describe('incident actions', () => {
  it('resolve: the commander or team sre; not an ex-commander', () => {
    expect(decide(policy, 'resolve', alice, incident('alice')).allowed).toBe(true);
    expect(decide(policy, 'resolve', carol, incident('alice')).allowed).toBe(true);
    // bob commanded earlier; today alice does.
    expect(decide(policy, 'resolve', bob, incident('alice'))).toMatchObject({ allowed: false, reason: 'Only the incident commander or a member of team sre may resolve INC-1.' });
  });

  it('assignRole: members may, but never to a guest', () => {
    expect(decide(policy, 'assignRole', alice, { ...incident(), assignee: bob }).allowed).toBe(true);
    expect(decide(policy, 'assignRole', alice, { ...incident(), assignee: dave })).toMatchObject({ allowed: false, reason: expect.stringMatching(/cannot hold an incident role/) });
  });

  it('unpin: the author or the commander; an unknown author leaves it to the commander', () => {
    expect(decide(policy, 'unpin', bob, { ...incident('alice'), pinAuthor: 'bob' }).allowed).toBe(true);
    expect(decide(policy, 'unpin', alice, { ...incident('alice'), pinAuthor: 'bob' }).allowed).toBe(true);
    expect(decide(policy, 'unpin', carol, { ...incident('alice'), pinAuthor: 'bob' }).allowed).toBe(false);
    expect(decide(policy, 'unpin', carol, incident('alice')).allowed).toBe(false);
  });

  it('rollbackFlag and emergencyBypass follow their permission lists', () => {
    expect(decide(policy, 'rollbackFlag', alice, incident('alice')).allowed).toBe(true);
    expect(decide(policy, 'rollbackFlag', bob, incident('alice')).allowed).toBe(false);
    expect(decide(policy, 'emergencyBypass', carol, incident()).allowed).toBe(true);
    expect(decide(policy, 'emergencyBypass', alice, incident('alice')).allowed).toBe(false);
  });
});

describe('access', () => {
  const grant = (commander: string | undefined, extra: Facts = {}): Facts => ({
    ...incident(commander),
    subject: 'GR-1',
    requester: 'bob',
    capabilities: ['db-readonly'],
    approvedBy: [],
    ...extra,
  });

  it('approve: an approver team member or today\'s commander, never the requester', () => {
    expect(decide(policy, 'approveAccess', carol, grant(undefined)).allowed).toBe(true);
    expect(decide(policy, 'approveAccess', alice, grant('alice')).allowed).toBe(true);
    expect(decide(policy, 'approveAccess', bob, grant('bob')).allowed).toBe(false);
  });

  it('an ex-commander cannot approve: the decision uses today\'s commander', () => {
    expect(decide(policy, 'approveAccess', alice, grant('carol'))).toMatchObject({ allowed: false });
  });

  it('nobody approves the extension they asked for, even as commander', () => {
    expect(decide(policy, 'approveAccess', alice, grant('alice', { extensionRequester: 'alice' }))).toMatchObject({
      allowed: false,
      reason: 'You cannot approve the extension you asked for on GR-1; another approver must.',
    });
    expect(decide(policy, 'approveAccess', carol, grant('alice', { extensionRequester: 'alice' })).allowed).toBe(true);
  });

  it('quorums count distinct people', () => {
    const pii = grant(undefined, { capabilities: ['read-pii'], approvedBy: ['carol'] });
    expect(decide(policy, 'approveAccess', carol, pii).allowed).toBe(false);
    expect(decide(policy, 'approveAccess', alice, pii).allowed).toBe(true);
  });

  it('revoke: requester, commander or an approver; extend: requester or commander', () => {
    expect(decide(policy, 'revokeAccess', bob, grant(undefined)).allowed).toBe(true);
    expect(decide(policy, 'revokeAccess', carol, grant(undefined)).allowed).toBe(true);
    expect(decide(policy, 'revokeAccess', alice, grant(undefined)).allowed).toBe(false);
    expect(decide(policy, 'extendAccess', bob, grant(undefined)).allowed).toBe(true);
    expect(decide(policy, 'extendAccess', alice, grant('alice')).allowed).toBe(true);
    expect(decide(policy, 'extendAccess', carol, grant('alice')).allowed).toBe(false);
  });
});

describe('sandboxes', () => {
  const sandbox = (commander?: string): Facts => ({ ...incident(commander), subject: 'SBX-1', requester: 'bob' });
  it.each(['extendSandbox', 'destroySandbox'] as Action[])('%s: the requester or the commander; nobody else unless the policy names them', (action) => {
    expect(decide(policy, action, bob, sandbox()).allowed).toBe(true);
    expect(decide(policy, action, alice, sandbox('alice')).allowed).toBe(true);
    expect(decide(policy, action, carol, sandbox('alice')).allowed).toBe(false);
    const named = parsePolicy(fixture.replace('permissions:\n', 'permissions:\n  manageSandboxes: [team:sre]\n'), 'policy.yaml');
    expect(decide(named, action, resolveActor(named, slack('U0CAROL')), sandbox('alice')).allowed).toBe(true);
  });
});

describe('postmortems', () => {
  const pm = (extra: Facts = {}): Facts => ({ subject: 'INC-1', owner: 'bob', ownerManager: 'alice', reviewOwners: ['bob'], ...extra });
  it('submit: the owner or their manager', () => {
    expect(decide(policy, 'submitPostmortem', bob, pm()).allowed).toBe(true);
    expect(decide(policy, 'submitPostmortem', alice, pm()).allowed).toBe(true);
    expect(decide(policy, 'submitPostmortem', carol, pm()).allowed).toBe(false);
  });

  it('approve: never by anyone who owned it during its review', () => {
    expect(decide(policy, 'approvePostmortem', carol, pm()).allowed).toBe(true);
    expect(decide(policy, 'approvePostmortem', bob, pm()).allowed).toBe(false);
    // bob handed it to carol while in review, then tried to approve.
    expect(decide(policy, 'approvePostmortem', bob, pm({ owner: 'carol', reviewOwners: ['bob', 'carol'] }))).toMatchObject({
      allowed: false,
      reason: 'bob owned the postmortem of INC-1 during its review and cannot approve it; someone else must.',
    });
  });
});

describe('audit classes', () => {
  it('everything that grants, approves, ends, takes or destroys is privileged', () => {
    for (const action of ['approveAccess', 'resolve', 'assignRole', 'acknowledge', 'destroySandbox', 'unpin', 'approvePostmortem', 'rollbackFlag'] as Action[]) {
      expect(isPrivileged(action)).toBe(true);
    }
    for (const action of ['declare', 'note', 'pin'] as Action[]) expect(isPrivileged(action)).toBe(false);
  });
});
