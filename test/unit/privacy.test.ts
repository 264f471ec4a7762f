// Private incidents (issue 17 §1) in domain/: the policy section and its references, membership
// (the same rule for the workflow, Slack, the CLI and the dashboard), the decision table rows for
// invite / private / public, and the grammar (`declare private …`, `invite @user`, `private`, `public`).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, resolveActor, type Facts } from '../../domain/authorization/index.js';
import { formatCommand, parseCommand } from '../../domain/commands/parse.js';
import type { Actor } from '../../domain/incident.js';
import { parsePolicy, PolicyError } from '../../domain/policy/index.js';
import { isIncidentMember, memberNames, policyMembers, type PrivacyFacts } from '../../domain/policy/privacy-rules.js';

const fixture = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const withPrivacy = (section: string) => parsePolicy(`${fixture}\nprivateIncidents:\n${section}`, 'policy.yaml');
const policy = withPrivacy('  members: [person:carol, team:search]\n  githubRepo: acme/private-incidents\n');

const slack = (id: string, name?: string): Actor => ({ source: 'slack', id, ...(name ? { name } : {}) });
const facts = (extra: Partial<PrivacyFacts> = {}): PrivacyFacts => ({ private: true, reporter: slack('U0ALICE'), roles: {}, ...extra });

function problem(section: string): string {
  try {
    withPrivacy(section);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('the privateIncidents section', () => {
  it('defaults to no extra members, no GitHub mirror and no metrics', () => {
    expect(withPrivacy('  {}\n').privateIncidents).toEqual({ members: [], includeInMetrics: false });
    expect(policy.privateIncidents).toEqual({ members: ['person:carol', 'team:search'], githubRepo: 'acme/private-incidents', includeInMetrics: false });
  });

  it('refuses "anyone", unknown teams and people, with the key named', () => {
    expect(problem('  members: [anyone]\n')).toMatch(/privateIncidents\.members\[0\].*"team:NAME" or "person:NAME"/);
    expect(problem('  members: [team:nobody]\n')).toMatch(/privateIncidents\.members\[0\].*team "nobody" is not defined under teams/);
    expect(problem('  members: [person:mallory]\n')).toMatch(/privateIncidents\.members\[0\].*person "mallory" is not a member of any team/);
    expect(problem('  includeInMetrics: yes please\n')).toMatch(/privateIncidents\.includeInMetrics/);
  });
});

describe('membership', () => {
  it('lets in the reporter, role holders, the invited and the policy members, by any of their identities', () => {
    expect(policyMembers(policy).sort()).toEqual(['bob', 'carol']);
    expect(isIncidentMember(policy, facts(), slack('U0ALICE'))).toBe(true);
    expect(isIncidentMember(policy, facts(), { source: 'github', id: 'alice-gh' })).toBe(true);
    expect(isIncidentMember(policy, facts(), 'alice')).toBe(true);
    expect(isIncidentMember(policy, facts(), 'carol')).toBe(true);
    expect(isIncidentMember(policy, facts(), slack('U0DAVE'))).toBe(false);
    const bare = parsePolicy(fixture, 'policy.yaml');
    expect(isIncidentMember(bare, facts(), 'bob')).toBe(false);
    expect(isIncidentMember(bare, facts({ roles: { commander: { source: 'cli', id: 'bob' } } }), slack('U0BOB'))).toBe(true);
    expect(isIncidentMember(bare, facts({ members: [slack('U0BOB')] }), 'bob')).toBe(true);
    // A guest someone named stays a member by their own identity only.
    expect(isIncidentMember(bare, facts({ members: [slack('U0DAVE')] }), slack('U0DAVE'))).toBe(true);
    expect(memberNames(bare, facts({ members: [slack('U0DAVE')] }))).toEqual(['alice']);
  });

  it('lets everyone see a public incident', () => {
    expect(isIncidentMember(policy, facts({ private: false }), slack('U0DAVE'))).toBe(true);
    expect(isIncidentMember(policy, facts({ private: undefined }), 'nobody')).toBe(true);
  });
});

describe('the decision table', () => {
  const bare = parsePolicy(fixture, 'policy.yaml');
  const who = (id: string) => resolveActor(bare, slack(id));
  const privateIncident = (extra: Facts = {}): Facts => ({ incident: 'INC-7', roles: { commander: 'alice' }, privateIncident: true, members: ['alice', 'carol'], ...extra });

  it('invite: a member adds a member; a non-member, a guest, or a guest invitee is refused', () => {
    expect(decide(bare, 'invite', who('U0CAROL'), privateIncident({ invitee: who('U0BOB') })).allowed).toBe(true);
    expect(decide(bare, 'invite', who('U0BOB'), privateIncident({ invitee: who('U0BOB') }))).toMatchObject({
      allowed: false,
      privileged: true,
      reason: 'Only members of INC-7 may add people to it; ask the commander, alice.',
    });
    expect(decide(bare, 'invite', who('U0DAVE'), privateIncident({ invitee: who('U0BOB') }))).toMatchObject({ allowed: false, reason: expect.stringMatching(/^slack:U0DAVE is not in any team of the policy/) });
    expect(decide(bare, 'invite', who('U0ALICE'), privateIncident({ invitee: who('U0DAVE') }))).toMatchObject({
      allowed: false,
      reason: 'slack:U0DAVE is not in any team of the policy and cannot be added to INC-7; add them to a team first.',
    });
  });

  it('private: any member of a team; public: only today\'s commander', () => {
    // Only a public incident is made private.
    const publicIncident = privateIncident({ privateIncident: false });
    expect(decide(bare, 'makePrivate', who('U0BOB'), publicIncident).allowed).toBe(true);
    expect(decide(bare, 'makePrivate', who('U0DAVE'), publicIncident).allowed).toBe(false);
    expect(decide(bare, 'makePublic', who('U0ALICE'), privateIncident()).allowed).toBe(true);
    expect(decide(bare, 'makePublic', who('U0CAROL'), privateIncident())).toMatchObject({ allowed: false, privileged: true, reason: 'Only the incident commander (alice) may make INC-7 public again.' });
    // The commander before the last handover no longer decides.
    expect(decide(bare, 'makePublic', who('U0ALICE'), privateIncident({ roles: { commander: 'carol' } })).allowed).toBe(false);
    expect(decide(bare, 'makePublic', who('U0DAVE'), privateIncident()).allowed).toBe(false);
  });

  it('nothing else either: a non-member is refused every change, whatever their permissions', () => {
    for (const action of ['note', 'severity', 'resolve', 'addTask', 'makePublic'] as const) {
      expect(decide(bare, action, who('U0BOB'), privateIncident()), action).toMatchObject({ allowed: false, reason: 'INC-7 is private: only its members may act on it; ask the commander, alice, to add you.' });
    }
    expect(decide(bare, 'note', who('U0CAROL'), privateIncident()).allowed).toBe(true);
  });

  it('a guest policy cannot open them to strangers', () => {
    expect(() => parsePolicy(fixture.replace(/^guests:.*$/m, '') + '\nguests:\n  may: [declare, invite]\n', 'policy.yaml')).toThrow(PolicyError);
  });
});

describe('the grammar', () => {
  it.each([
    ['declare private Payroll export leaks sev:2', { kind: 'declare', private: true, title: 'Payroll export leaks', severity: 'SEV2', services: [] }],
    ['declare private', { kind: 'declare', private: true, services: [] }],
    ['declare "private" beta flag on', { kind: 'declare', title: 'private beta flag on', services: [] }],
    ['invite <@U0BOB>', { kind: 'invite', person: { kind: 'slack', id: 'U0BOB' } }],
    ['invite @bob', { kind: 'invite', person: { kind: 'handle', handle: 'bob' } }],
    ['private', { kind: 'privacy', private: true }],
    ['public', { kind: 'privacy', private: false }],
  ])('reads %s', (text, command) => {
    const parsed = parseCommand(text);
    expect(parsed).toEqual({ ok: true, command });
    if (parsed.ok) expect(parseCommand(formatCommand(parsed.command))).toEqual(parsed);
  });

  it('says what is wrong', () => {
    expect(parseCommand('invite')).toMatchObject({ ok: false, error: '`invite` needs a person, like `invite @alice`.' });
    expect(parseCommand('invite @bob @carol')).toMatchObject({ ok: false, subcommand: 'invite' });
    expect(parseCommand('public now')).toMatchObject({ ok: false, subcommand: 'public' });
    expect(parseCommand('INC-4 private')).toEqual({ ok: true, command: { kind: 'privacy', private: true }, incident: 'INC-4' });
  });
});
