import { describe, expect, it } from 'vitest';
import {
  formatCommand,
  helpText,
  parseCommand,
  SUBCOMMANDS,
  USAGE,
  type Command,
  type ParseResult,
} from '../../../domain/commands/index.js';

const alice = { kind: 'handle', handle: 'alice' } as const;

// [input, command, incident named by the text]
const VALID: [string, Command, string?][] = [
  ['', { kind: 'help' }],
  ['   ', { kind: 'help' }],
  ['/incident', { kind: 'help' }],
  ['help', { kind: 'help' }],
  ['help sev', { kind: 'help', topic: 'sev' }],
  ['help SEVERITY please', { kind: 'help', topic: 'sev' }],
  ['/incident help', { kind: 'help' }],
  ['declare', { kind: 'declare', services: [] }],
  ['declare Checkout is down', { kind: 'declare', title: 'Checkout is down', services: [] }],
  ['declare "Checkout is down" sev:1', { kind: 'declare', title: 'Checkout is down', severity: 'SEV1', services: [] }],
  [
    'declare sev:SEV2 service:api 502s on   checkout service:web service:api',
    { kind: 'declare', title: '502s on checkout', severity: 'SEV2', services: ['api', 'web'] },
  ],
  ['declare INC-3 postmortem follow-up', { kind: 'declare', title: 'INC-3 postmortem follow-up', services: [] }],
  ['declare "sev:1" is not an option here', { kind: 'declare', title: 'sev:1 is not an option here', services: [] }],
  ['declare outage: api', { kind: 'declare', title: 'outage: api', services: [] }],
  ['status', { kind: 'status' }],
  ['status INC-3', { kind: 'status' }, 'INC-3'],
  ['INC-3', { kind: 'status' }, 'INC-3'],
  ['/incident inc-12 STATUS', { kind: 'status' }, 'INC-12'],
  ['list', { kind: 'list', scope: 'open', services: [] }],
  ['list all', { kind: 'list', scope: 'all', services: [] }],
  ['list sev:2 service:api OPEN', { kind: 'list', scope: 'open', severity: 'SEV2', services: ['api'] }],
  ['sev 1', { kind: 'severity', severity: 'SEV1' }],
  ['sev sev2 customers see 502s', { kind: 'severity', severity: 'SEV2', reason: 'customers see 502s' }],
  ['SEV SEV3', { kind: 'severity', severity: 'SEV3' }],
  ['severity 4 quiet now', { kind: 'severity', severity: 'SEV4', reason: 'quiet now' }],
  ['INC-3 sev 1', { kind: 'severity', severity: 'SEV1' }, 'INC-3'],
  ['sev INC-3 1 worse', { kind: 'severity', severity: 'SEV1', reason: 'worse' }, 'INC-3'],
  ['sev 2 see INC-4', { kind: 'severity', severity: 'SEV2', reason: 'see INC-4' }],
  ['role commander @alice', { kind: 'role', role: 'commander', person: alice }],
  ['role Comms alice', { kind: 'role', role: 'comms', person: alice }],
  ['role scribe <@U123ABC>', { kind: 'role', role: 'scribe', person: { kind: 'slack', id: 'U123ABC' } }],
  [
    'role scribe <@U123ABC|alice>',
    { kind: 'role', role: 'scribe', person: { kind: 'slack', id: 'U123ABC', label: 'alice' } },
  ],
  [
    'role commander <@U9|Ada Lovelace>',
    { kind: 'role', role: 'commander', person: { kind: 'slack', id: 'U9', label: 'Ada Lovelace' } },
  ],
  ['role commander @zoë', { kind: 'role', role: 'commander', person: { kind: 'handle', handle: 'zoë' } }],
  ['role Ops-Lead @alice', { kind: 'role', role: 'ops-lead', person: alice }],
  ['role boss @alice', { kind: 'role', role: 'boss', person: alice }],
  ['update error rates   back to normal', { kind: 'update', text: 'error rates back to normal' }],
  ['note INC-3 rolled back', { kind: 'note', text: 'rolled back' }, 'INC-3'],
  ['note "INC-3" was a drill', { kind: 'note', text: 'INC-3 was a drill' }],
  ['note paged <@U1> and service:api', { kind: 'note', text: 'paged <@U1> and service:api' }],
  ['note ✅ déployé 🚀', { kind: 'note', text: '✅ déployé 🚀' }],
  ['note line one\nline\ttwo', { kind: 'note', text: 'line one line two' }],
  ['note "unterminated   quote', { kind: 'note', text: 'unterminated quote' }],
  ['note “curly quoted” words', { kind: 'note', text: 'curly quoted words' }],
  ['note say a"b', { kind: 'note', text: 'say a"b' }],
  ['mitigated', { kind: 'mitigated' }],
  ['Mitigated canary rolled back', { kind: 'mitigated', text: 'canary rolled back' }],
  ['resolve', { kind: 'resolve' }],
  ['resolve INC-9 all good', { kind: 'resolve', text: 'all good' }, 'INC-9'],
  ['reopen errors are back', { kind: 'reopen', text: 'errors are back' }],
  [
    'access read-logs 1h checking 502s',
    { kind: 'access-request', capabilities: ['read-logs'], durationSeconds: 3600, reason: 'checking 502s' },
  ],
  [
    'access READ-LOGS,read-traces, db-readonly 30m why not',
    { kind: 'access-request', capabilities: ['read-logs', 'read-traces', 'db-readonly'], durationSeconds: 1800, reason: 'why not' },
  ],
  [
    'access INC-3 read-pii 45s audit',
    { kind: 'access-request', capabilities: ['read-pii'], durationSeconds: 45, reason: 'audit' },
    'INC-3',
  ],
  ['access approve GR-7', { kind: 'access-approve', grant: 'GR-7' }],
  ['access APPROVE gr-7 looks fine', { kind: 'access-approve', grant: 'GR-7', reason: 'looks fine' }],
  ['access deny GR-7 too broad', { kind: 'access-deny', grant: 'GR-7', reason: 'too broad' }],
  ['access revoke INC-2 GR-7', { kind: 'access-revoke', grant: 'GR-7' }, 'INC-2'],
  ['access extend GR-7 2h', { kind: 'access-extend', grant: 'GR-7', durationSeconds: 7200 }],
  ['access extend GR-7 1d long tail', { kind: 'access-extend', grant: 'GR-7', durationSeconds: 86400, reason: 'long tail' }],
  ['sandbox create', { kind: 'sandbox-create' }],
  [
    'sandbox create ttl:2h source:staging release:v1.4.2 seed:0',
    { kind: 'sandbox-create', release: 'v1.4.2', seed: 0, ttlSeconds: 7200, source: 'staging' },
  ],
  ['sandbox create release:ghcr.io/acme/api:1.2', { kind: 'sandbox-create', release: 'ghcr.io/acme/api:1.2' }],
  ['sandbox extend SBX-3 1d', { kind: 'sandbox-extend', sandbox: 'SBX-3', durationSeconds: 86400 }],
  ['sandbox destroy sbx-3', { kind: 'sandbox-destroy', sandbox: 'SBX-3' }],
  ['INC-1 sandbox recreate SBX-3', { kind: 'sandbox-recreate', sandbox: 'SBX-3' }, 'INC-1'],
  ['flag rollback new-checkout', { kind: 'flag-rollback', flags: ['new-checkout'] }],
  ['flag rollback new-checkout,smart-retries both broke checkout', { kind: 'flag-rollback', flags: ['new-checkout', 'smart-retries'], reason: 'both broke checkout' }],
  [
    'flag rollback env:production new-checkout breaks payments',
    { kind: 'flag-rollback', flags: ['new-checkout'], environment: 'production', reason: 'breaks payments' },
  ],
  [
    'flag rollback new-checkout breaks env:production payments',
    { kind: 'flag-rollback', flags: ['new-checkout'], environment: 'production', reason: 'breaks payments' },
  ],
  ['flag rollback INC-3 "inc-4"', { kind: 'flag-rollback', flags: ['inc-4'] }, 'INC-3'],
  ['flag restore new-checkout', { kind: 'flag-restore', flag: 'new-checkout' }],
  ['flag list', { kind: 'flag-list' }],
  ['postmortem', { kind: 'postmortem' }],
  ['postmortem owner:@alice', { kind: 'postmortem', owner: alice }],
  ['postmortem owner:<@U1|bob>', { kind: 'postmortem', owner: { kind: 'slack', id: 'U1', label: 'bob' } }],
  ['postmortem publish', { kind: 'postmortem-publish' }],
  ['postmortem INC-5 approve', { kind: 'postmortem-approve' }, 'INC-5'],
  [
    'action add fix the retry storm owner:@alice due:2025-07-01',
    { kind: 'action-add', text: 'fix the retry storm', owner: alice, due: '2025-07-01', priority: 'P2' },
  ],
  [
    'action add due:2024-02-29 priority:p1 owner:alice add a canary "due:soon" check',
    { kind: 'action-add', text: 'add a canary due:soon check', owner: alice, due: '2024-02-29', priority: 'P1' },
  ],
  ['action done ACT-4', { kind: 'action-done', item: 'ACT-4' }],
  ['action reopen act-4', { kind: 'action-reopen', item: 'ACT-4' }],
  ['action assign ACT-4 <@U2>', { kind: 'action-assign', item: 'ACT-4', person: { kind: 'slack', id: 'U2' } }],
  ['actions', { kind: 'actions', filter: { kind: 'all' } }],
  ['actions mine', { kind: 'actions', filter: { kind: 'mine' } }],
  ['actions OVERDUE', { kind: 'actions', filter: { kind: 'overdue' } }],
  ['actions team:payments', { kind: 'actions', filter: { kind: 'team', team: 'payments' } }],
  ['actions owner:@alice', { kind: 'actions', filter: { kind: 'owner', owner: alice } }],
];

describe('parseCommand reads every subcommand', () => {
  it.each(VALID)('%j', (input, command, incident) => {
    const expected: ParseResult = incident === undefined ? { ok: true, command } : { ok: true, command, incident };
    expect(parseCommand(input)).toStrictEqual(expected);
  });

  it.each(VALID)('formats %j canonically, and reads that back', (input, command, incident) => {
    const text = formatCommand(command, incident);
    const expected: ParseResult = incident === undefined ? { ok: true, command } : { ok: true, command, incident };
    expect(parseCommand(text)).toStrictEqual(expected);
  });
});

// [input, subcommand, a part of the error]
const INVALID: [string, string | undefined, string][] = [
  ['foo', undefined, 'Unknown command `foo`'],
  ['decalre outage', undefined, 'did you mean `declare`?'],
  ['constructor', undefined, 'Unknown command `constructor`'],
  ['__proto__ x', undefined, 'Unknown command `__proto__`'],
  ['INC-3 declare outage', 'declare', 'leave out `INC-3`'],
  ['INC-3 list', 'list', 'leave out `INC-3`'],
  ['INC-3 note INC-4 two keys', 'note', 'names two incidents'],
  ['declare sev:9 outage', 'declare', '`sev:9` is not a severity'],
  ['declare service: outage', 'declare', '`service:` needs a value'],
  ['declare sev:1 sev:2', 'declare', '`sev:` appears 2 times'],
  ['status INC-3 now', 'status', '`now` does not fit'],
  ['list everything', 'list', '`everything` is neither'],
  ['list open all', 'list', '`all` does not fit'],
  ['sev', 'sev', 'needs a level'],
  ['sev 0', 'sev', 'needs a level'],
  ['sev high', 'sev', 'needs a level'],
  ['role', 'role', 'needs a role (commander, comms, scribe or one of the policy'],
  ['role @alice ops-lead', 'role', 'needs a role'],
  ['role "ops lead" @alice', 'role', 'needs a role'],
  ['role comms', 'role', '`role comms` needs a person'],
  ['role comms @alice @bob', 'role', '`@bob` does not fit'],
  ['update', 'update', '`update` needs some text'],
  ['note INC-3', 'note', '`note` needs some text'],
  ['access', 'access', 'needs capabilities, a duration and a reason'],
  ['access 1h because', 'access', 'needs capabilities'],
  ['access read-logs because I said so', 'access', 'needs a duration'],
  ['access read-logs 1h', 'access', 'needs a reason'],
  ['access Read_Logs 1h x', 'access', '`read_logs` is not a capability name'],
  ['access aprove GR-3', 'access', '`access aprove` is not a grant command'],
  ['access approve', 'access', 'needs a grant key'],
  ['access extend GR-1 soon', 'access', 'needs a duration'],
  ['sandbox', 'sandbox', 'needs one of create'],
  ['sandbox make', 'sandbox', 'needs one of create'],
  ['sandbox create now', 'sandbox', '`now` does not fit'],
  ['sandbox create seed:-1', 'sandbox', '`seed:-1` is not a seed'],
  ['sandbox create seed:99999999999999999', 'sandbox', 'is not a seed'],
  ['sandbox create ttl:forever', 'sandbox', '`ttl:forever` is not a duration'],
  ['sandbox extend SBX-1', 'sandbox', 'needs a duration'],
  ['sandbox destroy', 'sandbox', 'needs a sandbox key'],
  ['sandbox destroy SBX-1 now', 'sandbox', '`now` does not fit'],
  ['flag', 'flag', 'needs one of rollback'],
  ['flag rollback', 'flag', 'needs a flag name'],
  ['flag rollback env:prod', 'flag', 'needs a flag name'],
  ['flag rollback new/checkout', 'flag', 'is not a flag name'],
  ['flag rollback a,new/checkout', 'flag', 'is not a flag name'],
  ['flag restore a b', 'flag', '`b` does not fit'],
  ['flag list all', 'flag', '`all` does not fit'],
  ['postmortem soon', 'postmortem', '`soon` does not fit'],
  ['postmortem owner:<nobody>', 'postmortem', 'is not a person'],
  ['postmortem publish now', 'postmortem', '`now` does not fit'],
  ['action', 'action', 'needs one of add'],
  ['action add owner:@a due:2025-01-01', 'action', 'needs what is to be done'],
  ['action add fix it due:2025-01-01', 'action', 'needs an owner'],
  ['action add fix it owner:@a', 'action', 'needs a due date'],
  ['action add fix it owner:@a due:2025-02-29', 'action', '`due:2025-02-29` is not a real date'],
  ['action add fix it owner:@a due:2025-13-01', 'action', 'is not a real date'],
  ['action add fix it owner:@a due:2025-7-1', 'action', 'is not a real date'],
  ['action add fix it owner:@a due:2025-07-01 priority:P0', 'action', '`priority:P0` is not a priority'],
  ['action done', 'action', 'needs an action item key'],
  ['action done GR-1', 'action', 'needs an action item key'],
  ['action assign ACT-1', 'action', 'needs a person'],
  ['actions mine overdue', 'actions', 'one filter at a time'],
  ['actions late', 'actions', '`late` is none of those'],
];

describe('parseCommand explains what it cannot read', () => {
  it.each(INVALID)('%j', (input, subcommand, error) => {
    const result = parseCommand(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(error);
    expect(result.subcommand).toBe(subcommand);
    expect(result.usage).toBe(subcommand === undefined ? helpText() : USAGE[subcommand as keyof typeof USAGE]);
  });

  it.each([
    ['sev 9', '`sev` needs a level from 1 to 4, like `sev 2 customers see 502s`.'],
    ['foo bar', 'Unknown command `foo`; use one of the commands below.'],
    ['resolved', 'Unknown command `resolved`; did you mean `resolve`?'],
    ['note', '`note` needs some text, like `note rolled back the canary at 14:02`.'],
    [
      'access read-logs 1h',
      '`access` needs a reason after the duration, as in `access read-logs 1h checking 502s`.',
    ],
    [
      'action add fix it owner:@a',
      '`action add` needs a due date, like `action add fix the retry storm owner:@alice due:2025-07-01`.',
    ],
    ['INC-3 sev INC-4 1', 'The command names two incidents, `INC-3` and `INC-4`; name just one.'],
  ])('says exactly what is wrong with %j', (input, error) => {
    expect(parseCommand(input)).toMatchObject({ ok: false, error });
  });

  it('refuses text over 4000 characters', () => {
    const result = parseCommand(`note ${'x'.repeat(4000)}`);
    expect(result).toStrictEqual({
      ok: false,
      error: 'That command is 4005 characters long; the limit is 4000, so shorten it.',
      usage: helpText(),
    });
    expect(parseCommand(`note ${'x '.repeat(1997)}`).ok).toBe(true);
  });

  it('quotes only a short, backtick-free piece of what the user typed', () => {
    const result = parseCommand(`nope\`${'y'.repeat(500)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe(`Unknown command \`nope'${'y'.repeat(34)}…\`; use one of the commands below.`);
  });

  it('does not throw for text that is not a string', () => {
    expect(parseCommand(undefined as unknown as string).ok).toBe(false);
  });
});

describe('formatCommand', () => {
  it.each<[Command, string | undefined, string]>([
    [{ kind: 'severity', severity: 'SEV1', reason: 'worse' }, 'INC-3', 'INC-3 sev 1 worse'],
    [{ kind: 'declare', title: 'API down', severity: 'SEV2', services: ['api'] }, 'INC-3', 'declare API down sev:2 service:api'],
    [{ kind: 'declare', title: 'why sev:2', services: [] }, undefined, 'declare why "sev:2"'],
    [{ kind: 'note', text: 'INC-4 was a drill' }, 'INC-3', 'INC-3 note "INC-4" was a drill'],
    [{ kind: 'access-request', capabilities: ['approve'], durationSeconds: 5400, reason: 'x' }, undefined, 'access "approve" 90m x'],
    [
      { kind: 'action-add', text: 'fix it', owner: { kind: 'slack', id: 'U1', label: 'Ada L' }, due: '2025-07-01', priority: 'P2' },
      undefined,
      'action add fix it owner:<@U1|Ada L> due:2025-07-01',
    ],
    [{ kind: 'sandbox-create', ttlSeconds: 45, seed: 0 }, undefined, 'sandbox create seed:0 ttl:45s'],
  ])('writes %j as the text people would type', (command, incident, text) => {
    expect(formatCommand(command, incident)).toBe(text);
  });
});

describe('usage', () => {
  it('has usage for every subcommand, one command per line', () => {
    for (const sub of SUBCOMMANDS) {
      expect(USAGE[sub].startsWith(sub)).toBe(true);
      for (const line of USAGE[sub].split('\n')) expect(line).toMatch(new RegExp(`^${sub} .*  — `));
    }
    expect(USAGE.sev).toBe('sev N [REASON…]  — change severity (1 = worst)');
  });

  it('gives one subcommand, or everything for an unknown topic', () => {
    expect(helpText('SEV')).toBe(USAGE.sev);
    expect(helpText('severity')).toBe(USAGE.sev);
    expect(helpText('access').split('\n')).toHaveLength(3);
    const all = helpText();
    for (const sub of SUBCOMMANDS) expect(all).toContain(USAGE[sub]);
    expect(helpText('nonsense')).toBe(all);
    expect(helpText('constructor')).toBe(all);
    expect(helpText('help')).toBe(all);
  });
});
