// Parsers for the subcommands that drive tools during an incident: access grants, sandboxes, feature
// flags, the postmortem and its action items.

import { parseDuration } from '../duration.js';
import { parseActionKey, parseGrantKey, parseSandboxKey } from '../ids.js';
import {
  dateOption,
  durationOption,
  keyword,
  noMore,
  personOption,
  readOptions,
  single,
  takeIncident,
  type ParseArgs,
} from './args.js';
import { joinText, type Token } from './tokenize.js';
import type { ActionsFilter, Command } from './types.js';
import { CAPABILITY, FLAG_NAME, fail, parsePerson, parsePriority, parseSeed, show } from './values.js';

const ACCESS_EXAMPLE = 'as in `access read-logs 1h checking 502s`';

export const access: ParseArgs = (args, ctx) => {
  const verb = keyword(args[0], ['approve', 'deny', 'revoke', 'extend'] as const);
  if (verb === undefined) return accessRequest(args);
  const rest = takeIncident(args.slice(1), ctx);
  const grant = rest[0] === undefined ? undefined : parseGrantKey(rest[0].text);
  if (grant === undefined) {
    return fail(`\`access ${verb}\` needs a grant key, like \`access ${verb} GR-7${verb === 'extend' ? ' 1h' : ''}\`.`);
  }
  if (verb === 'extend') return accessExtend(grant, rest.slice(1));
  const reason = joinText(rest.slice(1));
  return { kind: `access-${verb}` as const, grant, ...(reason ? { reason } : {}) };
};

function accessRequest(args: Token[]): Command {
  const [first, second] = args;
  if (first === undefined || parseDuration(first.text) !== undefined) {
    return fail(`\`access\` needs capabilities, a duration and a reason, ${ACCESS_EXAMPLE}.`);
  }
  if (second !== undefined && parseGrantKey(second.text) !== undefined) {
    return fail(`\`access ${show(first.text)}\` is not a grant command; use approve, deny, revoke or extend.`);
  }
  const { capabilities, rest } = readCapabilities(args);
  const [durationWord, ...reasonWords] = rest;
  const durationSeconds = durationWord === undefined ? undefined : parseDuration(durationWord.text);
  if (durationSeconds === undefined) {
    return fail(`\`access\` needs a duration such as \`1h\` after the capabilities, ${ACCESS_EXAMPLE}.`);
  }
  const reason = joinText(reasonWords);
  if (!reason) return fail(`\`access\` needs a reason after the duration, ${ACCESS_EXAMPLE}.`);
  return { kind: 'access-request', capabilities, durationSeconds, reason };
}

/** `read-logs,read-traces`, also typed with a space after the comma. */
function readCapabilities(args: Token[]): { capabilities: string[]; rest: Token[] } {
  let text = '';
  let used = 0;
  for (const token of args) {
    if (used > 0 && !text.endsWith(',')) break;
    text += token.text;
    used++;
  }
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const bad = names.length === 0 ? text : names.find((name) => !CAPABILITY.test(name));
  if (bad !== undefined) {
    fail(`\`${show(bad)}\` is not a capability name; use names like \`read-logs\`, separated by commas.`);
  }
  return { capabilities: [...new Set(names)], rest: args.slice(used) };
}

function accessExtend(grant: string, args: Token[]): Command {
  const [durationWord, ...reasonWords] = args;
  const durationSeconds = durationWord === undefined ? undefined : parseDuration(durationWord.text);
  if (durationSeconds === undefined) {
    return fail(`\`access extend\` needs a duration after the grant, like \`access extend ${grant} 1h\`.`);
  }
  const reason = joinText(reasonWords);
  return { kind: 'access-extend', grant, durationSeconds, ...(reason ? { reason } : {}) };
}

export const sandbox: ParseArgs = (args, ctx) => {
  const verb =
    keyword(args[0], ['create', 'extend', 'destroy', 'recreate'] as const) ??
    fail('`sandbox` needs one of create, extend, destroy or recreate, like `sandbox create ttl:2h`.');
  const rest = takeIncident(args.slice(1), ctx);
  if (verb === 'create') return sandboxCreate(rest);
  const sandboxKey = rest[0] === undefined ? undefined : parseSandboxKey(rest[0].text);
  const example = `sandbox ${verb} SBX-3${verb === 'extend' ? ' 2h' : ''}`;
  if (sandboxKey === undefined) return fail(`\`sandbox ${verb}\` needs a sandbox key, like \`${example}\`.`);
  if (verb !== 'extend') {
    noMore(rest.slice(1), `\`sandbox ${verb}\` takes only a sandbox key, like \`${example}\``);
    return { kind: `sandbox-${verb}` as const, sandbox: sandboxKey };
  }
  const [durationWord, ...extra] = rest.slice(1);
  const durationSeconds = durationWord === undefined ? undefined : parseDuration(durationWord.text);
  if (durationSeconds === undefined) return fail(`\`sandbox extend\` needs a duration, like \`${example}\`.`);
  noMore(extra, `\`sandbox extend\` takes a sandbox key and a duration, like \`${example}\``);
  return { kind: 'sandbox-extend', sandbox: sandboxKey, durationSeconds };
};

function sandboxCreate(args: Token[]): Command {
  const opts = readOptions(args, ['release', 'seed', 'ttl', 'source']);
  noMore(opts.rest, '`sandbox create` takes only `release:`, `seed:`, `ttl:` and `source:` options');
  const release = single(opts, 'release');
  const source = single(opts, 'source');
  const seedText = single(opts, 'seed');
  const seed =
    seedText === undefined
      ? undefined
      : (parseSeed(seedText) ?? fail(`\`seed:${show(seedText)}\` is not a seed; use a whole number like \`seed:42\`.`));
  const ttlSeconds = durationOption(opts, 'ttl');
  return {
    kind: 'sandbox-create',
    ...(release !== undefined ? { release } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}

export const flag: ParseArgs = (args, ctx) => {
  const verb =
    keyword(args[0], ['rollback', 'restore', 'list'] as const) ??
    fail('`flag` needs one of rollback, restore or list, like `flag rollback new-checkout`.');
  const rest = takeIncident(args.slice(1), ctx);
  if (verb === 'list') {
    noMore(rest, '`flag list` takes nothing more');
    return { kind: 'flag-list' };
  }
  if (verb === 'restore') {
    const name = flagName(rest[0], verb);
    noMore(rest.slice(1), '`flag restore` takes only a flag name');
    return { kind: 'flag-restore', flag: name };
  }
  const opts = readOptions(rest, ['env']);
  const flags = flagNames(opts.rest[0], verb);
  const environment = single(opts, 'env');
  const reason = joinText(opts.rest.slice(1));
  return {
    kind: 'flag-rollback',
    flags,
    ...(environment !== undefined ? { environment } : {}),
    ...(reason ? { reason } : {}),
  };
};

/** `FLAG[,FLAG…]`: one word, like the capabilities of `access`. */
function flagNames(token: Token | undefined, verb: string): string[] {
  if (token === undefined || token.quoted) return [flagName(token, verb)];
  const names = token.text.split(',').filter(Boolean);
  if (names.length === 0) return [flagName(undefined, verb)];
  return [...new Set(names.map((text) => flagName({ ...token, text }, verb)))];
}

function flagName(token: Token | undefined, verb: string): string {
  if (token === undefined) return fail(`\`flag ${verb}\` needs a flag name, like \`flag ${verb} new-checkout\`.`);
  if (!FLAG_NAME.test(token.text)) {
    fail(`\`${show(token.text)}\` is not a flag name; use letters, digits, dots, dashes or underscores, like \`new-checkout\`.`);
  }
  return token.text;
}

export const postmortem: ParseArgs = (args, ctx) => {
  const verb = keyword(args[0], ['publish', 'approve'] as const);
  if (verb !== undefined) {
    noMore(takeIncident(args.slice(1), ctx), `\`postmortem ${verb}\` takes nothing more`);
    return { kind: `postmortem-${verb}` as const };
  }
  const opts = readOptions(args, ['owner']);
  noMore(opts.rest, '`postmortem` takes only `owner:@user`, or `publish` or `approve`');
  const owner = personOption(opts, 'owner');
  return owner ? { kind: 'postmortem', owner } : { kind: 'postmortem' };
};

export const action: ParseArgs = (args, ctx) => {
  const verb =
    keyword(args[0], ['add', 'done', 'reopen', 'assign'] as const) ??
    fail('`action` needs one of add, done, reopen or assign, like `action done ACT-4`.');
  const rest = takeIncident(args.slice(1), ctx);
  if (verb === 'add') return actionAdd(rest);
  const item = rest[0] === undefined ? undefined : parseActionKey(rest[0].text);
  const example = `action ${verb} ACT-4${verb === 'assign' ? ' @alice' : ''}`;
  if (item === undefined) return fail(`\`action ${verb}\` needs an action item key, like \`${example}\`.`);
  if (verb !== 'assign') {
    noMore(rest.slice(1), `\`action ${verb}\` takes only an action item key, like \`${example}\``);
    return { kind: `action-${verb}` as const, item };
  }
  const [personWord, ...extra] = rest.slice(1);
  const person = personWord === undefined ? undefined : parsePerson(personWord.text);
  if (person === undefined) return fail(`\`action assign\` needs a person after the key, like \`${example}\`.`);
  noMore(extra, `\`action assign\` takes a key and one person, like \`${example}\``);
  return { kind: 'action-assign', item, person };
};

function actionAdd(args: Token[]): Command {
  const opts = readOptions(args, ['owner', 'due', 'priority']);
  const example = 'like `action add fix the retry storm owner:@alice due:2025-07-01`';
  const owner = personOption(opts, 'owner');
  const due = dateOption(opts, 'due');
  const priorityText = single(opts, 'priority');
  const priority =
    priorityText === undefined
      ? 'P2'
      : (parsePriority(priorityText) ??
        fail(`\`priority:${show(priorityText)}\` is not a priority; use P1, P2 or P3, like \`priority:P1\`.`));
  const text = joinText(opts.rest);
  if (!text) return fail(`\`action add\` needs what is to be done, ${example}.`);
  if (owner === undefined) return fail(`\`action add\` needs an owner, ${example}.`);
  if (due === undefined) return fail(`\`action add\` needs a due date, ${example}.`);
  return { kind: 'action-add', text, owner, due, priority };
}

export const actions: ParseArgs = (args) => {
  const opts = readOptions(args, ['team', 'owner']);
  const filters: ActionsFilter[] = opts.rest.map((token) => {
    const kind = keyword(token, ['mine', 'overdue'] as const);
    return kind ? { kind } : fail(`\`actions\` filters by mine, overdue, team: or owner:, and \`${show(token.text)}\` is none of those.`);
  });
  const team = single(opts, 'team');
  if (team !== undefined) filters.push({ kind: 'team', team });
  const owner = personOption(opts, 'owner');
  if (owner !== undefined) filters.push({ kind: 'owner', owner });
  if (filters.length > 1) fail('`actions` takes one filter at a time: mine, overdue, team:NAME or owner:@user.');
  return { kind: 'actions', filter: filters[0] ?? { kind: 'all' } };
};
