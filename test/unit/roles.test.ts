// Roles the policy defines (issue 17 §2): the `roles:` section, the decision point's answer for a
// role it does not know, which roles an incident shows, when unfilled required roles are nudged,
// and the DM a holder gets (neutralised: an incident title cannot ping anyone).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roleInstructionsText } from '../../activities/slack/role-instructions.js';
import { decide, resolveActor } from '../../domain/authorization/index.js';
import { extraRoles, rolesToShow } from '../../domain/incident-roles.js';
import type { Actor } from '../../domain/incident.js';
import { parsePolicy, PolicyError } from '../../domain/policy/index.js';
import { knownRoles, requiredRoles, rolePolicy, unknownRoleProblem } from '../../domain/policy/roles-rules.js';
import { createRedactor } from '../../domain/redact.js';
import { nextDue } from '../../workflows/incident/reminders.js';
import type { IncidentState } from '../../workflows/incident/messages.js';

const fixture = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const ROLES_YAML = `
roles:
  ops-lead:
    description: Runs the operational work.
    instructions: Keep the ops channel in sync and hand over at the end of your shift.
    required: true
    severities: [SEV1, SEV2]
  customer-liaison:
    instructions: Talk to the affected customers' account managers.
  comms:
    instructions: Post a status update every cadence.
`;
const withRoles = (yaml: string) => parsePolicy(`${fixture.replace(/^roles:[\s\S]*?(?=^\S|$(?![\s\S]))/m, '')}\n${yaml}`, 'policy.yaml');
const policy = withRoles(ROLES_YAML);

function errorOf(yaml: string): string {
  try {
    withRoles(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected parsePolicy to throw');
}

describe('the roles: section', () => {
  it('reads roles with instructions, built-in ones included, and which are required where', () => {
    expect(rolePolicy(policy, 'ops-lead')).toEqual({
      description: 'Runs the operational work.',
      instructions: 'Keep the ops channel in sync and hand over at the end of your shift.',
      required: true,
      severities: ['SEV1', 'SEV2'],
    });
    expect(rolePolicy(policy, 'comms')?.instructions).toBe('Post a status update every cadence.');
    expect(rolePolicy(policy, 'scribe')).toBeUndefined();
    expect(rolePolicy(policy, 'toString')).toBeUndefined();
    expect(knownRoles(policy)).toEqual(['commander', 'comms', 'scribe', 'ops-lead', 'customer-liaison']);
    expect(requiredRoles(policy, 'SEV1')).toEqual(['ops-lead']);
    expect(requiredRoles(policy, 'SEV3')).toEqual([]);
  });

  it.each([
    ['a bad name', 'roles:\n  Ops_Lead:\n    instructions: x\n', 'roles.Ops_Lead: expected a role name like "ops-lead"'],
    ['no instructions', 'roles:\n  ops-lead:\n    required: true\n', 'roles.ops-lead.instructions: missing, expected the instructions its holder is sent'],
    ['a bad severity', 'roles:\n  ops-lead:\n    instructions: x\n    required: true\n    severities: [SEV9]\n', 'roles.ops-lead.severities[0]: expected one of SEV1, SEV2, SEV3, SEV4, got "SEV9"'],
    ['severities without required', 'roles:\n  ops-lead:\n    instructions: x\n    severities: [SEV1]\n', 'roles.ops-lead.severities: only a required role names severities'],
    ['a required commander', 'roles:\n  commander:\n    instructions: x\n    required: true\n', 'roles.commander.required: the commander is always required'],
    ['an unknown key', 'roles:\n  ops-lead:\n    instructions: x\n    nudge: 5m\n', 'roles.ops-lead'],
  ])('refuses %s with one line naming the key', (_name, yaml, message) => {
    const error = errorOf(yaml);
    expect(error).toContain(message);
    expect(error).not.toContain('\n');
  });
});

describe('the decision point and roles', () => {
  const alice = resolveActor(policy, { source: 'slack', id: 'U0ALICE' });
  const bob = resolveActor(policy, { source: 'slack', id: 'U0BOB' });
  const facts = (role: string) => ({ incident: 'INC-1', roles: {}, assignee: bob, role });

  it('allows a policy role and a built-in one under the assignRole permission', () => {
    expect(decide(policy, 'assignRole', alice, facts('ops-lead')).allowed).toBe(true);
    expect(decide(policy, 'assignRole', alice, facts('commander')).allowed).toBe(true);
  });

  it('refuses a role the policy does not know with a sentence listing the roles', () => {
    const sentence = '"boss" is not an incident role; the roles are commander, comms, scribe, ops-lead, customer-liaison.';
    expect(unknownRoleProblem(policy, 'boss')).toBe(sentence);
    expect(decide(policy, 'assignRole', alice, facts('boss'))).toMatchObject({ allowed: false, reason: sentence });
  });
});

describe('the roles an incident shows', () => {
  const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
  it('shows the built-in roles, required ones held or not, and any other role held', () => {
    const lines = rolesToShow({ commander: bob, 'customer-liaison': bob }, ['ops-lead']);
    expect(lines.map((l) => [l.role, l.holder?.name, l.required])).toEqual([
      ['commander', 'bob', false],
      ['comms', undefined, false],
      ['scribe', undefined, false],
      ['ops-lead', undefined, true],
      ['customer-liaison', 'bob', false],
    ]);
    expect(extraRoles({ commander: bob }, [])).toEqual([]);
  });
});

describe('nudges for unfilled required roles', () => {
  const declaredAt = '2026-01-01T00:00:00.000Z';
  const state = (roles: Record<string, Actor>, lastRoleNudgeAt?: Record<string, string>) =>
    ({ phase: 'triage', roles: { commander: { source: 'slack', id: 'U0BOB' }, ...roles }, declaredAt, lastStatusUpdateAt: '2026-01-01T01:00:00.000Z', ...(lastRoleNudgeAt ? { lastRoleNudgeAt } : {}) }) as unknown as IncidentState;
  const reminders = { statusUpdateEverySeconds: 3600, commanderWithinSeconds: 60, reopenWindowSeconds: 60, requiredRoles: ['ops-lead'], nudgeRequiredRoles: true };
  const t0 = Date.parse(declaredAt);

  it('is due one commander cadence after the declaration, then after the last nudge', () => {
    expect(nextDue(state({}), reminders)).toEqual({ kind: 'unfilled_role', at: t0 + 60_000, role: 'ops-lead' });
    expect(nextDue(state({}, { 'ops-lead': '2026-01-01T00:01:00.000Z' }), reminders)).toEqual({ kind: 'unfilled_role', at: t0 + 120_000, role: 'ops-lead' });
  });

  it('stops once the role is held, and never runs in runs recorded before it existed', () => {
    expect(nextDue(state({ 'ops-lead': { source: 'slack', id: 'U0ALICE' } }), reminders)?.kind).toBe('status_update');
    expect(nextDue(state({}), { ...reminders, nudgeRequiredRoles: false })?.kind).toBe('status_update');
  });
});

describe('the DM a role holder gets', () => {
  it('carries the instructions and the links, and neutralises the title', () => {
    const text = roleInstructionsText(
      createRedactor(),
      { incident: 'INC-7', eventKey: 'INC-7:4', role: 'ops-lead', holder: { source: 'slack', id: 'U0BOB' }, instructions: 'Run the <ops> bridge.', title: 'Checkout <!channel> down', severity: 'SEV1' },
      { slackChannel: 'C0INC7', githubIssue: 'acme/payments#12', dashboard: 'https://firebreak.example.com/incidents/INC-7' },
    );
    expect(text).toContain('You are now the *ops-lead* of *INC-7* (SEV1): Checkout &lt;!channel&gt; down');
    expect(text).toContain('Run the &lt;ops&gt; bridge.');
    expect(text).toContain('channel <#C0INC7>');
    expect(text).toContain('<https://github.com/acme/payments/issues/12|GitHub issue acme/payments#12>');
    expect(text).toContain('<https://firebreak.example.com/incidents/INC-7|dashboard>');
    expect(text).not.toContain('<!channel>');
  });
});
