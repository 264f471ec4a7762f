import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PERMISSIONS,
  findPersonByActor,
  findPersonByHandle,
  isAllowed,
  parsePolicy,
  PolicyError,
  severityPolicy,
  teamsOf,
} from '../../domain/policy/index.js';

const fixtureText = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const exampleText = readFileSync(new URL('../../firebreak.config.yaml', import.meta.url), 'utf8');
const policy = parsePolicy(fixtureText, 'policy.yaml');
const example = parsePolicy(exampleText);

/** The fixture with one edit; fails loudly if the text to replace is not there. */
function edited(from: string, to: string): string {
  const text = fixtureText.replace(from, to);
  if (text === fixtureText) throw new Error(`fixture does not contain ${from}`);
  return text;
}

/** The fixture without the block opened by the line `header` (and every line indented under it). */
function withoutBlock(text: string, header: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`fixture has no line ${header}`);
  const indent = header.length - header.trimStart().length;
  let end = start + 1;
  while (end < lines.length && lines[end]!.trim() !== '' && lines[end]!.length - lines[end]!.trimStart().length > indent) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

function errorOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as Error).name).toBe('PolicyError');
    return (err as Error).message;
  }
  throw new Error('expected parsePolicy to throw');
}

describe('parsePolicy: the shipped files', () => {
  it('parses the test fixture with durations in seconds', () => {
    expect(policy.incidents).toEqual({
      announceChannel: '#incidents',
      label: 'incident',
      reopenWindowSeconds: 5,
      timelineLimit: 50,
      continueAsNewAfterEvents: 200,
      pinReaction: 'pushpin',
      taskReaction: 'memo',
      contextWindowSeconds: 6 * 3600,
    });
    expect(policy.severities.SEV1).toMatchObject({ statusUpdateEverySeconds: 4, commanderWithinSeconds: 3 });
    expect(policy.severities.SEV2.statusUpdateEverySeconds).toBe(6);
    expect(Object.keys(policy.services)).toEqual(['payments', 'search']);
    expect(policy.services.payments?.repo).toBe('acme/payments');
    expect(policy.capabilities['read-pii']).toMatchObject({ sensitive: true, quorum: 2, maxDurationSeconds: 20, commanderMayApprove: false });
    expect(policy.sandboxes?.sources.primary).toMatchObject({ urlEnv: 'SANDBOX_SOURCE_URL' });
    expect(policy.sandboxes?.sources.primary?.masking.orders?.customer_id).toBe('tokenize');
  });

  it('parses the documented example with realistic durations', () => {
    expect(example.severities.SEV1).toMatchObject({ statusUpdateEverySeconds: 900, commanderWithinSeconds: 300 });
    expect(example.incidents.reopenWindowSeconds).toBe(86400);
    expect(example.access).toEqual({ escalateAfterSeconds: 600, timeoutAfterSeconds: 1800, warnBeforeExpirySeconds: 300 });
    expect(example.retention.timelineFreeTextSeconds).toBe(365 * 86400);
    expect(Object.keys(example.teams)).toEqual(['payments', 'search', 'sre']);
    expect(example.sandboxes?.sources['payments-db']?.masking.customers?.notes).toEqual({ constant: '[masked]' });
  });

  it('fills defaults for optional sections and fields', () => {
    const minimal = withoutBlock(withoutBlock(edited('  timelineLimit: 50\n', ''), 'permissions:'), 'capabilities:');
    const parsed = parsePolicy(minimal, 'policy.yaml');
    expect(parsed.permissions).toEqual(DEFAULT_PERMISSIONS);
    expect(parsed.capabilities).toEqual({});
    expect(parsed.incidents.timelineLimit).toBe(50);
  });

  it('accepts a plain number of seconds as a duration', () => {
    expect(parsePolicy(edited('reopenWindow: 5s', 'reopenWindow: 7'), 'p').incidents.reopenWindowSeconds).toBe(7);
  });
});

describe('parsePolicy: broken files give one exact line', () => {
  const cases: Array<[string, string, string]> = [
    [
      'missing severity',
      withoutBlock(fixtureText, '  SEV4:'),
      'policy.yaml: severities.SEV4: missing; every severity SEV1 to SEV4 must be defined',
    ],
    [
      'bad duration',
      edited('statusUpdateEvery: 4s', 'statusUpdateEvery: soon'),
      'policy.yaml: severities.SEV1.statusUpdateEvery: expected a duration like "30m" or a number of seconds, got "soon"',
    ],
    [
      'zero seconds',
      edited('reopenWindow: 5s', 'reopenWindow: 0'),
      'policy.yaml: incidents.reopenWindow: expected a duration like "30m" or a number of seconds, got 0',
    ],
    [
      'misspelt key',
      edited('statusUpdateEvery: 4s', 'statusUpdateEvry: 4s'),
      'policy.yaml: severities.SEV1.statusUpdateEvry: unknown key; did you mean "statusUpdateEvery"?',
    ],
    ['unknown section', `${fixtureText}\nescalations: {}\n`, 'policy.yaml: escalations: unknown key; expected one of incidents, severities, services, teams, permissions, guests, capabilities, access, sandboxes, postmortems, retention, redaction, limits, alerts, statusPage, paging, rules, roles, checklists, privateIncidents, webhooks'],
    [
      'undefined owner team',
      edited('owners: [payments]', 'owners: [paymnts]'),
      'policy.yaml: services.payments.owners[0]: team "paymnts" is not defined under teams (defined: payments, search, sre)',
    ],
    [
      'undefined approver team',
      edited('approvers: [sre]\n    quorum: 1', 'approvers: [dba]\n    quorum: 1'),
      'policy.yaml: capabilities.db-readonly.approvers[0]: team "dba" is not defined under teams (defined: payments, search, sre)',
    ],
    [
      'manager not a member',
      edited('manager: carol', 'manager: alice'),
      'policy.yaml: teams.sre.manager: alice is not a member of team sre; add them to members or name a member',
    ],
    [
      'YAML syntax error',
      edited('label: incident', 'label: "incident'),
      'policy.yaml: line 10, column 19: YAML syntax error: Missing closing "quote',
    ],
    [
      'duplicate YAML key',
      edited('  label: incident\n', '  label: incident\n  label: other\n'),
      'policy.yaml: line 11, column 3: YAML syntax error: Map keys must be unique',
    ],
    ['empty file', '# nothing yet\n', 'policy.yaml: the file is empty'],
    ['wrong type', edited('owners: [payments]', 'owners: payments'), 'policy.yaml: services.payments.owners: expected a list, got "payments"'],
    ['empty list', edited('owners: [payments]', 'owners: []'), 'policy.yaml: services.payments.owners: expected at least one entry, got an empty list'],
    [
      'bad enum',
      edited('provider: unleash', 'provider: unlesh'),
      'policy.yaml: services.payments.flags.provider: expected one of unleash, launchdarkly, got "unlesh"',
    ],
    [
      'bad principal',
      edited('resolve: [role:commander, team:sre]', 'resolve: [commander]'),
      'policy.yaml: permissions.resolve[0]: expected "anyone", "role:commander|comms|scribe", "team:NAME" or "person:NAME", got "commander"',
    ],
    ['unknown person', edited('[person:carol]', '[person:dave]'), 'policy.yaml: permissions.emergencyBypass[0]: person "dave" is not a member of any team'],
    [
      'sensitive without quorum',
      edited('quorum: 2', 'quorum: 1'),
      'policy.yaml: capabilities.read-pii.quorum: a sensitive capability needs a quorum of 2 or more',
    ],
    [
      'shared Slack ID',
      edited('slack: U0CAROL', 'slack: U0ALICE'),
      'policy.yaml: teams.sre.members[0].slack: "U0ALICE" already belongs to alice; each person needs their own',
    ],
    [
      'person with different IDs in two teams',
      edited('manager: bob\n    members:\n      - { name: bob, slack: U0BOB,', 'manager: bob\n    members:\n      - { name: bob, slack: U0BOBBY,'),
      "policy.yaml: teams.search.members[0].slack: bob has a different Slack ID in team payments; a person's IDs must match in every team",
    ],
    ['bad Slack ID', edited('slack: U0CAROL', 'slack: carol'), 'policy.yaml: teams.sre.members[0].slack: expected a Slack user ID like "U0123ABC", got "carol"'],
    [
      'undefined sandbox source',
      edited('sandboxSource: primary', 'sandboxSource: replica'),
      'policy.yaml: services.payments.sandboxSource: sandbox source "replica" is not defined under sandboxes.sources',
    ],
    [
      'bad masking rule',
      edited('email: email', 'email: scramble'),
      'policy.yaml: sandboxes.sources.primary.masking.customers.email: expected one of keep, null, tokenize, email, phone, name, ip, card, noise, date-noise or {constant: VALUE}, got "scramble"',
    ],
    [
      'invalid regular expression',
      edited('pattern: "acme_(live|test)_[A-Za-z0-9]{24}"', 'pattern: "acme_(live"'),
      'policy.yaml: redaction.patterns[0].pattern: not a valid regular expression (Invalid regular expression: /acme_(live/: Unterminated group)',
    ],
    [
      'required postmortem without due days',
      edited('postmortem: { required: true, dueDays: 5 }', 'postmortem: { required: true }'),
      'policy.yaml: severities.SEV1.postmortem.dueDays: missing, expected a number of days when a postmortem is required',
    ],
    [
      'escalation after timeout',
      edited('escalateAfter: 5s\n  timeoutAfter: 15s', 'escalateAfter: 20s\n  timeoutAfter: 15s'),
      'policy.yaml: access.escalateAfter: must be shorter than access.timeoutAfter, or requests time out before anyone escalates',
    ],
    ['bad capability name', edited('  read-logs:\n', '  Read Logs:\n'), 'policy.yaml: capabilities["Read Logs"]: expected a capability name like "read-logs", got "Read Logs"'],
  ];

  it.each(cases)('%s', (_name, text, message) => {
    const error = errorOf(text);
    expect(error).toBe(message);
    expect(error).not.toContain('\n');
  });

  it('names the source file given, defaulting to firebreak.config.yaml', () => {
    expect(() => parsePolicy('incidents: [')).toThrow(/^firebreak\.config\.yaml: line \d+, column \d+: YAML syntax error: /);
  });
});

describe('isAllowed', () => {
  const roles = { commander: 'alice' };

  it.each([
    ['the commander resolves', 'resolve', 'alice'],
    ['a team member named in the permission resolves', 'resolve', 'carol'],
    ['anyone in a team declares', 'declare', 'bob'],
    ['a named person uses the emergency bypass', 'emergencyBypass', 'carol'],
  ] as const)('allows: %s', (_name, permission, person) => {
    expect(isAllowed(policy, permission, { person, incidentRoles: roles })).toEqual({ allowed: true });
  });

  // "anyone" and roles mean people of the policy: guests are decided by the guests section alone.
  it.each([
    ['someone the policy does not know, under "anyone"', 'declare', undefined, roles],
    ['a commander from outside every team', 'resolve', 'dave', { commander: 'dave' }],
  ] as const)('refuses: %s', (_name, permission, person, incidentRoles) => {
    expect(isAllowed(policy, permission, { person, incidentRoles }).allowed).toBe(false);
  });

  it('refuses with one sentence naming who may', () => {
    expect(isAllowed(policy, 'resolve', { person: 'bob', incidentRoles: roles, incident: 'INC-3' })).toEqual({
      allowed: false,
      reason: 'Only the incident commander or a member of team sre may resolve INC-3.',
    });
    expect(isAllowed(policy, 'emergencyBypass', { person: 'alice', incidentRoles: roles })).toEqual({
      allowed: false,
      reason: 'Only carol may use the emergency bypass.',
    });
    expect(isAllowed(policy, 'dashboard', { incidentRoles: {} })).toEqual({
      allowed: false,
      reason: 'Only a member of team payments, a member of team search or a member of team sre may open the dashboard.',
    });
  });

  it('refuses a role nobody holds yet, and a person the policy does not know', () => {
    expect(isAllowed(policy, 'rollbackFlag', { person: 'bob', incidentRoles: {} }).allowed).toBe(false);
    expect(isAllowed(policy, 'resolve', { incidentRoles: { commander: 'alice' } })).toMatchObject({
      allowed: false,
      reason: 'Only the incident commander or a member of team sre may resolve this incident.',
    });
  });

  it('uses the defaults when the policy has no permissions section', () => {
    const defaults = parsePolicy(withoutBlock(fixtureText, 'permissions:'), 'policy.yaml');
    expect(isAllowed(defaults, 'resolve', { person: 'carol', incidentRoles: roles }).allowed).toBe(false);
    expect(isAllowed(defaults, 'resolve', { person: 'alice', incidentRoles: roles }).allowed).toBe(true);
    expect(isAllowed(defaults, 'severity', { person: 'bob', incidentRoles: {} }).allowed).toBe(true);
    expect(isAllowed(defaults, 'emergencyBypass', { person: 'carol', incidentRoles: { commander: 'carol' } })).toEqual({
      allowed: false,
      reason: 'Nobody may use the emergency bypass: add people to permissions.emergencyBypass in the policy file to allow it.',
    });
  });
});

describe('person lookups', () => {
  it('finds a person by the ID each source uses', () => {
    expect(findPersonByActor(policy, { source: 'slack', id: 'U0ALICE' })).toMatchObject({ name: 'alice', team: 'payments' });
    expect(findPersonByActor(policy, { source: 'github', id: 'Bob-GH' })).toMatchObject({ name: 'bob', team: 'payments' });
    expect(findPersonByActor(policy, { source: 'cli', id: 'carol' })).toMatchObject({ name: 'carol', team: 'sre', slack: 'U0CAROL' });
  });

  it('does not cross sources or find people outside every team', () => {
    expect(findPersonByActor(policy, { source: 'slack', id: 'alice-gh' })).toBeUndefined();
    expect(findPersonByActor(policy, { source: 'cli', id: 'dave' })).toBeUndefined();
    expect(findPersonByActor(policy, { source: 'slack', id: 'U0DAVE' })).toBeUndefined();
    expect(findPersonByActor(policy, { source: 'system', id: 'firebreak' })).toBeUndefined();
  });

  it('matches a CLI user by policy name only when no cli name is set', () => {
    expect(findPersonByActor(example, { source: 'cli', id: 'maria' })).toMatchObject({ name: 'maria' });
    expect(findPersonByActor(example, { source: 'cli', id: 'tkowalski' })).toMatchObject({ name: 'tom' });
    expect(findPersonByActor(example, { source: 'cli', id: 'tom' })).toBeUndefined();
  });

  it.each([
    ['@alice', 'alice'],
    ['ALICE', 'alice'],
    ['U0CAROL', 'carol'],
    ['bob-gh', 'bob'],
    [' @carol-gh ', 'carol'],
  ])('finds %s by handle', (handle, name) => {
    expect(findPersonByHandle(policy, handle)?.name).toBe(name);
  });

  it('finds nobody for an unknown or empty handle', () => {
    expect(findPersonByHandle(policy, 'dave')).toBeUndefined();
    expect(findPersonByHandle(policy, '@')).toBeUndefined();
  });

  it('lists every team of a person', () => {
    expect(teamsOf(policy, 'bob')).toEqual(['payments', 'search']);
    expect(teamsOf(policy, 'carol')).toEqual(['sre']);
    expect(teamsOf(policy, 'dave')).toEqual([]);
  });

  it('returns the policy of a severity', () => {
    expect(severityPolicy(policy, 'SEV1')).toMatchObject({ statusUpdateEverySeconds: 4, postmortem: { required: true, dueDays: 5 } });
    expect(severityPolicy(policy, 'SEV4').postmortem.required).toBe(false);
  });
});
