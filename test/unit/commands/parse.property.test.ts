import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCommand,
  helpText,
  parseCommand,
  SUBCOMMANDS,
  USAGE,
  type Command,
  type ParseResult,
  type PersonRef,
} from '../../../domain/commands/index.js';
import { SEVERITIES, ROLES } from '../../../domain/incident.js';

const RUNS = { numRuns: 2000 };
const INTERNAL_ERROR = 'That command could not be read; try `help`.';

const KINDS = new Set<string>([
  'help', 'declare', 'status', 'list', 'severity', 'role', 'update', 'note', 'mitigated', 'resolve', 'reopen',
  'access-request', 'access-approve', 'access-deny', 'access-revoke', 'access-extend', 'sandbox-create',
  'sandbox-extend', 'sandbox-destroy', 'sandbox-recreate', 'flag-rollback', 'flag-restore', 'flag-list',
  'postmortem', 'postmortem-publish', 'postmortem-approve', 'action-add', 'action-done', 'action-reopen',
  'action-assign', 'actions', 'statuspage', 'page',
  'task-add', 'task-done', 'task-reopen', 'task-assign', 'task-waive', 'tasks',
  'rules-test',
  'invite', 'privacy',
]);

/** Every result has the contract's shape; a readable command also survives format and parse. */
function expectWellFormed(result: ParseResult): void {
  if (result.ok) {
    expect(KINDS.has(result.command.kind)).toBe(true);
    if (result.incident !== undefined) expect(result.incident).toMatch(/^INC-[1-9][0-9]*$/);
    expect(parseCommand(formatCommand(result.command, result.incident))).toStrictEqual(result);
    return;
  }
  expect(result.error).not.toBe(INTERNAL_ERROR);
  expect(result.error).toMatch(/^\S.*[.?]$/);
  expect(result.error).not.toContain('\n');
  if (result.subcommand === undefined) {
    expect(result.usage).toBe(helpText());
  } else {
    expect(SUBCOMMANDS).toContain(result.subcommand);
    expect(result.usage).toBe(USAGE[result.subcommand as keyof typeof USAGE]);
  }
}

// Words people type around commands, including the ones the grammar gives meaning to.
const GRAMMAR_WORDS = [
  ...SUBCOMMANDS, 'severity', '/incident', 'INC-3', 'inc-44', 'GR-2', 'SBX-9', 'ACT-1', 'open', 'all', 'mine',
  'overdue', 'approve', 'deny', 'revoke', 'extend', 'create', 'destroy', 'recreate', 'rollback', 'restore',
  'publish', 'add', 'done', 'assign', 'commander', 'comms', 'scribe', '1', '4', '5', 'sev2', 'SEV9', '30m',
  '2h', '1d', '0s', 'read-logs', 'read-logs,read-traces', 'read-logs,', '@alice', 'alice', '<@U123ABC>',
  '<@U1|Ada', 'Lovelace>', '<@U1|x>', '"', '"quoted words"', '“', '”', 'P1', '`', '\u0000', '\t', '\u00a0',
];
const OPTION_WORDS = [
  'sev:1', 'sev:SEV3', 'sev:0', 'sev:', 'service:api', 'SERVICE:web', 'release:v1.2', 'seed:42', 'seed:-1',
  'ttl:2h', 'ttl:x', 'source:staging', 'env:prod', 'owner:@alice', 'owner:<@U1>', 'owner:', 'due:2025-07-01',
  'due:2025-02-29', 'priority:P1', 'priority:p4', 'team:payments', 'foo:bar',
];

const garbage = fc.string({ unit: 'binary', maxLength: 12 });
const token = fc.oneof(fc.constantFrom(...GRAMMAR_WORDS), fc.constantFrom(...OPTION_WORDS), garbage);
const tokenSequence = fc
  .tuple(fc.array(token, { maxLength: 10 }), fc.constantFrom(' ', '  ', '\n', ''))
  .map(([tokens, space]) => tokens.join(space === '' ? ' ' : space));

describe('parseCommand never throws and always answers in the contract', () => {
  it('for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => expectWellFormed(parseCommand(text))), RUNS);
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => expectWellFormed(parseCommand(text))), RUNS);
  });

  it('for arbitrary sequences of grammar words, options and garbage', () => {
    fc.assert(fc.property(tokenSequence, (text) => expectWellFormed(parseCommand(text))), { numRuns: 10_000 });
  });

  it('for huge text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 4001, maxLength: 6000 }), (text) => {
        const result = parseCommand(text);
        expect(result.ok).toBe(false);
        expectWellFormed(result);
      }),
      { numRuns: 50 },
    );
  });
});

// Valid commands. Free-text words hold no quote characters: the grammar has no escape for a word
// that starts with one (see format.ts), and the parser normalises free text to single spaces.
const wordChars = fc.constantFrom(...'abcXYZ0189-_.:,/@<>|!?#&=+*()[]{}`\'éß漢字😀✅'.split(/(?:)/u));
const plainWord = fc.string({ unit: wordChars, minLength: 1, maxLength: 8 });
const trickyWord = fc.constantFrom(
  'INC-3', 'inc-12', 'sev:2', 'SERVICE:x', 'service:', 'owner:@a', 'due:x', 'priority:P1', 'env:prod', '<@U1|x',
  'y>', '<@U2>', '/incident', 'all', 'approve', 'GR-1', 'SBX-1', 'ACT-1', '@alice',
);
const freeText = fc.array(fc.oneof(plainWord, trickyWord), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

// The parser builds ordinary objects; toStrictEqual tells them from null-prototype ones.
const PLAIN = { noNullPrototype: true } as const;
const name = fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,15}$/);
const label = fc
  .string({ unit: fc.constantFrom(...'Ada Lovelace|"-.漢😀'.split(/(?:)/u)), minLength: 1, maxLength: 12 })
  .filter((l) => l.trim() === l);
const person: fc.Arbitrary<PersonRef> = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[UW][A-Z0-9]{2,10}$/), fc.option(label, { nil: undefined }))
    .map(([id, l]): PersonRef => (l === undefined ? { kind: 'slack', id } : { kind: 'slack', id, label: l })),
  fc.record({ kind: fc.constant('handle' as const), handle: fc.stringMatching(/^[a-zA-Z0-9é][a-zA-Z0-9._é-]{0,15}$/) }, PLAIN),
);
const severity = fc.constantFrom(...SEVERITIES);
const seconds = fc
  .tuple(fc.integer({ min: 1, max: 9_999_999 }), fc.constantFrom(1, 60, 3600, 86400))
  .map(([n, unit]) => n * unit);
const key = (prefix: string): fc.Arbitrary<string> => fc.integer({ min: 1, max: 999_999_999 }).map((n) => `${prefix}-${n}`);
const flagName = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/), fc.constantFrom('inc-4', 'INC-5'));
const capability = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.constantFrom('approve', 'extend', 'inc-3'));
const date = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Optional fields are absent, never `undefined`, as the parser builds them. */
function opt<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}
function build<C extends Command>(fields: Record<string, unknown>): C {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as C;
}
function rec<C extends Command>(kind: C['kind'], fields: { [k: string]: fc.Arbitrary<unknown> } = {}): fc.Arbitrary<Command> {
  return fc.record(fields).map((f) => build<C>({ kind, ...f }));
}

const command: fc.Arbitrary<Command> = fc.oneof(
  rec('help', { topic: opt(fc.constantFrom(...SUBCOMMANDS)) }),
  rec('declare', { title: opt(freeText), severity: opt(severity), services: fc.uniqueArray(name, { maxLength: 3 }) }),
  rec('declare', { private: fc.constant(true), title: opt(freeText), severity: opt(severity), services: fc.uniqueArray(name, { maxLength: 3 }) }),
  rec('declare', { title: freeText.map((t) => `Private ${t}`), services: fc.constant([]) }),
  rec('status'),
  rec('invite', { person }),
  rec('privacy', { private: fc.boolean() }),
  rec('list', { scope: fc.constantFrom('open', 'all'), severity: opt(severity), services: fc.uniqueArray(name, { maxLength: 3 }) }),
  rec('severity', { severity, reason: opt(freeText) }),
  rec('role', { role: fc.constantFrom(...ROLES, 'ops-lead'), person }),
  rec('update', { text: freeText }),
  rec('note', { text: freeText }),
  rec('mitigated', { text: opt(freeText) }),
  rec('resolve', { text: opt(freeText) }),
  rec('reopen', { text: opt(freeText) }),
  rec('access-request', {
    capabilities: fc.uniqueArray(capability, { minLength: 1, maxLength: 3 }),
    durationSeconds: seconds,
    reason: freeText,
  }),
  ...(['access-approve', 'access-deny', 'access-revoke'] as const).map((kind) => rec(kind, { grant: key('GR'), reason: opt(freeText) })),
  rec('access-extend', { grant: key('GR'), durationSeconds: seconds, reason: opt(freeText) }),
  rec('sandbox-create', {
    release: opt(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/:-]{0,15}$/)),
    seed: opt(fc.maxSafeNat()),
    ttlSeconds: opt(seconds),
    source: opt(name),
  }),
  rec('sandbox-extend', { sandbox: key('SBX'), durationSeconds: seconds }),
  rec('sandbox-destroy', { sandbox: key('SBX') }),
  rec('sandbox-recreate', { sandbox: key('SBX') }),
  rec('flag-rollback', {
    flags: fc.oneof(
      flagName.map((f) => [f]),
      fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9._-]{0,9}$/), { minLength: 2, maxLength: 3 }),
    ),
    environment: opt(name),
    reason: opt(freeText),
  }),
  rec('flag-restore', { flag: flagName }),
  rec('flag-list'),
  rec('postmortem', { owner: opt(person) }),
  rec('postmortem-publish'),
  rec('postmortem-approve'),
  rec('action-add', { text: freeText, owner: person, due: date, priority: fc.constantFrom('P1', 'P2', 'P3') }),
  rec('action-done', { item: key('ACT') }),
  rec('action-reopen', { item: key('ACT') }),
  rec('action-assign', { item: key('ACT'), person }),
  rec('task-add', { text: freeText, owner: opt(person) }),
  rec('task-done', { task: key('TASK') }),
  rec('task-reopen', { task: key('TASK') }),
  rec('task-assign', { task: key('TASK'), person }),
  rec('task-waive', { task: key('TASK'), reason: freeText }),
  rec('tasks'),
  rec('rules-test', { rule: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }),
  rec('actions', {
    filter: fc.oneof(
      fc.constantFrom({ kind: 'all' as const }, { kind: 'mine' as const }, { kind: 'overdue' as const }),
      fc.record({ kind: fc.constant('team' as const), team: name }, PLAIN),
      fc.record({ kind: fc.constant('owner' as const), owner: person }, PLAIN),
    ),
  }),
);

const NOT_ABOUT_ONE_INCIDENT = new Set(['help', 'declare', 'list']);

describe('formatCommand writes what parseCommand reads back', () => {
  it('for arbitrary valid commands, with or without an incident', () => {
    fc.assert(
      fc.property(command, opt(key('INC')), (c, incident) => {
        const expected: ParseResult =
          incident === undefined || NOT_ABOUT_ONE_INCIDENT.has(c.kind) ? { ok: true, command: c } : { ok: true, command: c, incident };
        expect(parseCommand(formatCommand(c, incident))).toStrictEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
