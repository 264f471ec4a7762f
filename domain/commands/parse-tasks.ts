// Parsers for the incident's tasks: `task add TEXT… [@owner]`, `task done|reopen TASK-N`,
// `task assign TASK-N @user`, `task waive TASK-N REASON…` and `tasks`.

import { parseTaskKey } from '../tasks.js';
import { keyword, noMore, type ParseArgs } from './args.js';
import { joinText, type Token } from './tokenize.js';
import type { Command } from './types.js';
import { fail, parsePerson, show } from './values.js';

const VERBS = ['add', 'done', 'reopen', 'assign', 'waive'] as const;

export const task: ParseArgs = (args) => {
  const [verbWord, ...rest] = args;
  const verb = keyword(verbWord, VERBS) ?? fail('`task` needs one of add, done, reopen, assign or waive, like `task done TASK-2`.');
  if (verb === 'add') return taskAdd(rest);
  const [keyWord, ...more] = rest;
  const example = `task ${verb} TASK-2${verb === 'assign' ? ' @alice' : verb === 'waive' ? ' legal said no need' : ''}`;
  const key = keyWord === undefined || keyWord.quoted ? undefined : parseTaskKey(keyWord.text);
  if (key === undefined) {
    return fail(keyWord === undefined ? `\`task ${verb}\` needs a task key, like \`${example}\`.` : `\`${show(keyWord.text)}\` is not a task key; write it like \`${example}\`.`);
  }
  if (verb === 'done' || verb === 'reopen') {
    noMore(more, `\`task ${verb}\` takes only a task key, like \`${example}\``);
    return { kind: `task-${verb}` as const, task: key };
  }
  if (verb === 'waive') {
    const reason = joinText(more);
    if (!reason) return fail(`\`task waive\` needs a reason, like \`${example}\`.`);
    return { kind: 'task-waive', task: key, reason };
  }
  const [personWord, ...extra] = more;
  const person = personWord === undefined ? undefined : parsePerson(personWord.text);
  if (person === undefined) return fail(`\`task assign\` needs a person after the key, like \`${example}\`.`);
  noMore(extra, `\`task assign\` takes a key and one person, like \`${example}\``);
  return { kind: 'task-assign', task: key, person };
};

/** The owner is the last word when it is a mention or an `@handle`; a bare word is part of the text. */
function taskAdd(args: Token[]): Command {
  const last = args[args.length - 1];
  const owner = last && !last.quoted && /^(@|<@)/.test(last.text) ? parsePerson(last.text) : undefined;
  const text = joinText(owner ? args.slice(0, -1) : args);
  if (!text) return fail('`task add` needs what is to be done, like `task add snapshot the orders database @alice`.');
  return { kind: 'task-add', text, ...(owner ? { owner } : {}) };
}

export const tasks: ParseArgs = (args) => {
  noMore(args, '`tasks` takes nothing but an incident key, like `tasks INC-3`');
  return { kind: 'tasks' };
};
