// The canonical text of a command: what `parseCommand` reads back as the same command.

import { parseIncidentKey } from '../ids.js';
import { NOT_ABOUT_ONE_INCIDENT, optionKey } from './args.js';
import { isQuote, rawWords } from './tokenize.js';
import type { Command, CommandKind } from './types.js';
import { durationText, formatPerson, levelNumber } from './values.js';

// A label left open at the end of a word (`<@U1|ops`) would let a later `>` join the words between.
const OPEN_MENTION = /<@[A-Z0-9]+\|[^<>]*$/;

/**
 * Quotes what the parser would otherwise read as an option, an incident key or a mention. A word
 * holding a quote cannot be quoted; the grammar has no escape, so such words are written as typed.
 */
function literal(word: string, optionKeys: readonly string[], leading: boolean): string {
  if ([...word].some(isQuote)) return word;
  const special =
    optionKey(word, optionKeys) !== undefined ||
    (leading && parseIncidentKey(word) !== undefined) ||
    OPEN_MENTION.test(word) ||
    /\s/.test(word);
  return special ? `"${word}"` : word;
}

/** Free text, with `leading` when it directly follows the subcommand where `INC-N` may stand. */
function text(value: string | undefined, optionKeys: readonly string[] = [], leading = false): string {
  if (value === undefined) return '';
  return rawWords(value)
    .map((word, i) => literal(word, optionKeys, leading && i === 0))
    .join(' ');
}

function option(key: string, value: string | number | undefined): string {
  return value === undefined ? '' : `${key}:${value}`;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

type Formatters = { [K in CommandKind]: (command: Extract<Command, { kind: K }>) => string };

const FORMAT: Formatters = {
  help: (c) => join('help', text(c.topic)),
  declare: (c) =>
    join(
      'declare',
      c.private ? 'private' : '',
      c.private ? text(c.title, ['sev', 'service']) : quoteLeadingPrivate(text(c.title, ['sev', 'service'])),
      option('sev', c.severity && levelNumber(c.severity)),
      ...c.services.map((s) => option('service', s)),
    ),
  status: () => 'status',
  invite: (c) => join('invite', formatPerson(c.person)),
  privacy: (c) => (c.private ? 'private' : 'public'),
  list: (c) =>
    join(
      'list',
      c.scope === 'all' ? 'all' : '',
      option('sev', c.severity && levelNumber(c.severity)),
      ...c.services.map((s) => option('service', s)),
    ),
  severity: (c) => join('sev', levelNumber(c.severity), text(c.reason)),
  role: (c) => join('role', c.role, formatPerson(c.person)),
  update: (c) => join('update', text(c.text, [], true)),
  note: (c) => join('note', text(c.text, [], true)),
  mitigated: (c) => join('mitigated', text(c.text, [], true)),
  resolve: (c) => join('resolve', text(c.text, [], true)),
  reopen: (c) => join('reopen', text(c.text, [], true)),
  'access-request': (c) => join('access', capabilities(c.capabilities), durationText(c.durationSeconds), text(c.reason)),
  'access-approve': (c) => join('access approve', c.grant, text(c.reason)),
  'access-deny': (c) => join('access deny', c.grant, text(c.reason)),
  'access-revoke': (c) => join('access revoke', c.grant, text(c.reason)),
  'access-extend': (c) => join('access extend', c.grant, durationText(c.durationSeconds), text(c.reason)),
  'sandbox-create': (c) =>
    join(
      'sandbox create',
      option('release', c.release),
      option('seed', c.seed),
      option('ttl', c.ttlSeconds === undefined ? undefined : durationText(c.ttlSeconds)),
      option('source', c.source),
    ),
  'sandbox-extend': (c) => join('sandbox extend', c.sandbox, durationText(c.durationSeconds)),
  'sandbox-destroy': (c) => join('sandbox destroy', c.sandbox),
  'sandbox-recreate': (c) => join('sandbox recreate', c.sandbox),
  'flag-rollback': (c) => join('flag rollback', c.flags.length === 1 ? text(c.flags[0]!, [], true) : c.flags.join(','), option('env', c.environment), text(c.reason, ['env'])),
  'flag-restore': (c) => join('flag restore', text(c.flag, [], true)),
  'flag-list': () => 'flag list',
  postmortem: (c) => join('postmortem', c.owner ? option('owner', formatPerson(c.owner)) : ''),
  'postmortem-publish': () => 'postmortem publish',
  'postmortem-approve': () => 'postmortem approve',
  'action-add': (c) =>
    join(
      'action add',
      text(c.text, ['owner', 'due', 'priority'], true),
      option('owner', formatPerson(c.owner)),
      option('due', c.due),
      c.priority === 'P2' ? '' : option('priority', c.priority),
    ),
  'action-done': (c) => join('action done', c.item),
  'action-reopen': (c) => join('action reopen', c.item),
  'action-assign': (c) => join('action assign', c.item, formatPerson(c.person)),
  actions: (c) => join('actions', actionsFilter(c.filter)),
  statuspage: (c) =>
    join('statuspage', c.verb, ...c.components.map((x) => join(option('component', x.component), option('status', x.state))), text(c.text, ['component', 'status'])),
  page: (c) => join('page', c.team !== undefined ? `@${c.team}` : (c.service ?? ''), text(c.reason)),
  // The owner is read from the last word, so text ending in a mention-like word is quoted.
  'task-add': (c) => join('task add', c.owner ? text(c.text, [], true) : quoteLastMention(text(c.text, [], true)), c.owner ? formatPerson(c.owner) : ''),
  'task-done': (c) => join('task done', c.task),
  'task-reopen': (c) => join('task reopen', c.task),
  'task-assign': (c) => join('task assign', c.task, formatPerson(c.person)),
  'task-waive': (c) => join('task waive', c.task, text(c.reason)),
  tasks: () => 'tasks',
  'rules-test': (c) => join('rules test', c.rule),
};

function quoteLastMention(words: string): string {
  const at = words.lastIndexOf(' ') + 1;
  const last = words.slice(at);
  return /^(@|<@)/.test(last) && ![...last].some(isQuote) ? `${words.slice(0, at)}"${last}"` : words;
}

/** A title whose first word is "private" is quoted, or it would read back as `declare private`. */
function quoteLeadingPrivate(words: string): string {
  const first = words.split(' ')[0] ?? '';
  return first.toLowerCase() === 'private' ? `"${first}"${words.slice(first.length)}` : words;
}

/** A lone capability named like a grant verb (`approve`) would be read as that verb. */
function capabilities(names: readonly string[]): string {
  const list = names.join(',');
  return ['approve', 'deny', 'revoke', 'extend'].includes(list) ? `"${list}"` : text(list, [], true);
}

function actionsFilter(filter: Extract<Command, { kind: 'actions' }>['filter']): string {
  switch (filter.kind) {
    case 'all':
      return '';
    case 'team':
      return option('team', filter.team);
    case 'owner':
      return option('owner', formatPerson(filter.owner));
    default:
      return filter.kind;
  }
}

/**
 * The canonical text of `command`, prefixed by `incident` when given and the subcommand is about
 * one incident.
 */
export function formatCommand(command: Command, incident?: string): string {
  const format = FORMAT[command.kind] as (c: Command) => string;
  const body = format(command);
  return incident !== undefined && !NOT_ABOUT_ONE_INCIDENT.has(command.kind) ? `${incident} ${body}` : body;
}
