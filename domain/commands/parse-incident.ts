// Parsers for the subcommands about the incident itself: declare, status, list, sev, role and the
// timeline entries.

import { keyword, many, noMore, readOptions, severityOption, type ParseArgs } from './args.js';
import { joinText } from './tokenize.js';
import type { Command } from './types.js';
import { subcommandOf } from './usage.js';
import { fail, parseLevel, parsePerson, show } from './values.js';

export const help: ParseArgs = (args) => {
  // Only the first word: a topic is a subcommand name, and the rest is chatter (`help sev please`).
  const word = args[0]?.text.split(/\s+/)[0]?.toLowerCase();
  if (!word) return { kind: 'help' };
  return { kind: 'help', topic: subcommandOf(word) ?? word };
};

export const declare: ParseArgs = (args) => {
  const opts = readOptions(args, ['sev', 'service']);
  // `declare private …`: an unquoted "private" first; a title that starts with the word quotes it.
  const first = opts.rest[0];
  const isPrivate = first !== undefined && !first.quoted && first.text.toLowerCase() === 'private';
  const title = joinText(isPrivate ? opts.rest.slice(1) : opts.rest);
  const severity = severityOption(opts);
  return {
    kind: 'declare',
    ...(isPrivate ? { private: true } : {}),
    ...(title ? { title } : {}),
    ...(severity ? { severity } : {}),
    services: many(opts, 'service'),
  };
};

export const status: ParseArgs = (args) => {
  noMore(args, '`status` takes nothing but an incident key, like `status INC-3`');
  return { kind: 'status' };
};

export const list: ParseArgs = (args) => {
  const opts = readOptions(args, ['sev', 'service']);
  const [first, ...extra] = opts.rest;
  const scope =
    first === undefined
      ? 'open'
      : (keyword(first, ['open', 'all'] as const) ??
        fail(`\`list\` shows \`open\` or \`all\` incidents, and \`${show(first.text)}\` is neither.`));
  noMore(extra, '`list` takes one of `open` or `all`, plus `sev:` and `service:` options');
  const severity = severityOption(opts);
  return { kind: 'list', scope, ...(severity ? { severity } : {}), services: many(opts, 'service') };
};

export const sev: ParseArgs = (args) => {
  const [level, ...reasonWords] = args;
  const severity = level === undefined ? undefined : parseLevel(level.text);
  if (severity === undefined) return fail('`sev` needs a level from 1 to 4, like `sev 2 customers see 502s`.');
  const reason = joinText(reasonWords);
  return { kind: 'severity', severity, ...(reason ? { reason } : {}) };
};

// The policy's role names share the capability names' charset (policy/values.ts); whether the
// policy knows the role is for the incident to say, which answers with the roles it knows.
const ROLE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export const role: ParseArgs = (args) => {
  const [roleWord, personWord] = args;
  const word = roleWord && !roleWord.quoted ? roleWord.text.toLowerCase() : undefined;
  const named =
    word !== undefined && ROLE_NAME.test(word)
      ? word
      : fail('`role` needs a role (commander, comms, scribe or one of the policy\'s) and then a person, like `role commander @alice`.');
  const person = personWord === undefined ? undefined : parsePerson(personWord.text);
  if (person === undefined) return fail(`\`role ${named}\` needs a person, like \`role ${named} @alice\`.`);
  noMore(args.slice(2), '`role` takes one role and one person');
  return { kind: 'role', role: named, person };
};

/** `update` and `note` need words; the phase changes take them optionally. */
function textEntry(kind: 'update' | 'note', example: string): ParseArgs {
  return (args) => {
    const text = joinText(args);
    if (!text) fail(`\`${kind}\` needs some text, like \`${kind} ${example}\`.`);
    return { kind, text };
  };
}

function phaseChange(kind: 'mitigated' | 'resolve' | 'reopen'): ParseArgs {
  return (args): Command => {
    const text = joinText(args);
    return text ? { kind, text } : { kind };
  };
}

export const update = textEntry('update', 'error rates back to normal, still watching');
export const note = textEntry('note', 'rolled back the canary at 14:02');
export const mitigated = phaseChange('mitigated');
export const resolve = phaseChange('resolve');
export const reopen = phaseChange('reopen');
