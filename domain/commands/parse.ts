// The one command parser shared by Slack, GitHub comments and the CLI (DESIGN.md §3). It never
// throws: text it cannot read becomes a one-sentence error plus the usage to show.

import { incidentIn, NOT_ABOUT_ONE_INCIDENT, takeIncident, type Context, type ParseArgs } from './args.js';
import { declare, help, list, mitigated, note, reopen, resolve, role, sev, status, update } from './parse-incident.js';
import { access, action, actions, flag, postmortem, sandbox } from './parse-tools.js';
import { page } from './parse-page.js';
import { statuspage } from './parse-statuspage.js';
import { invite, makePrivate, makePublic } from './parse-privacy.js';
import { task, tasks } from './parse-tasks.js';
import { rules } from './parse-rules.js';
import { tokenize, type Token } from './tokenize.js';
import type { ParseResult } from './types.js';
import { ALIASES, helpText, SUBCOMMANDS, subcommandOf, USAGE, type Subcommand } from './usage.js';
import { ParseError, show } from './values.js';
import { normaliseInput } from '../text-input.js';

export { formatCommand } from './format.js';

/** Longer text is pasted logs, not a command; refusing it keeps every front-end's reply small. */
export const MAX_COMMAND_LENGTH = 4000;

const PARSERS: Readonly<Record<Subcommand, ParseArgs>> = {
  help,
  declare,
  status,
  list,
  sev,
  role,
  update,
  note,
  mitigated,
  resolve,
  reopen,
  access,
  sandbox,
  flag,
  postmortem,
  action,
  actions,
  statuspage,
  page,
  invite,
  private: makePrivate,
  public: makePublic,
  task,
  tasks,
  rules,
};

export function parseCommand(text: string): ParseResult {
  try {
    return parseText(text);
  } catch {
    // Unreachable by design (tests check it); a front-end must still get an answer, not a crash.
    return { ok: false, error: 'That command could not be read; try `help`.', usage: helpText() };
  }
}

function parseText(text: string): ParseResult {
  if (typeof text !== 'string') return failure('A command must be text; try `help`.');
  // Control characters and lone surrogates never reach a workflow or Postgres (domain/text-input.ts).
  text = normaliseInput(text, { multiline: true });
  if (text.length > MAX_COMMAND_LENGTH) {
    return failure(`That command is ${text.length} characters long; the limit is ${MAX_COMMAND_LENGTH}, so shorten it.`);
  }
  let tokens = tokenize(text);
  const first = tokens[0];
  if (first && !first.quoted && first.text.toLowerCase() === '/incident') tokens = tokens.slice(1);
  const incident = incidentIn(tokens[0]);
  if (incident !== undefined) tokens = tokens.slice(1);
  const [word, ...args] = tokens;
  if (word === undefined) {
    // A lone `INC-3` asks about that incident.
    return incident === undefined ? { ok: true, command: { kind: 'help' } } : { ok: true, command: { kind: 'status' }, incident };
  }
  const sub = subcommandOf(word.text);
  if (sub === undefined) return failure(unknownCommand(word.text));
  try {
    return parseSubcommand(sub, args, incident);
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message, usage: USAGE[sub], subcommand: sub };
    throw err;
  }
}

function parseSubcommand(sub: Subcommand, args: Token[], incident: string | undefined): ParseResult {
  const ctx: Context = incident === undefined ? {} : { incident };
  const aboutOne = !NOT_ABOUT_ONE_INCIDENT.has(sub);
  if (!aboutOne && incident !== undefined) {
    throw new ParseError(`\`${sub}\` is not about one incident, so leave out \`${incident}\`.`);
  }
  const command = PARSERS[sub](aboutOne ? takeIncident(args, ctx) : args, ctx);
  return ctx.incident === undefined ? { ok: true, command } : { ok: true, command, incident: ctx.incident };
}

function failure(error: string): ParseResult {
  return { ok: false, error, usage: helpText() };
}

function unknownCommand(word: string): string {
  const near = nearest(word.toLowerCase());
  return near === undefined
    ? `Unknown command \`${show(word)}\`; use one of the commands below.`
    : `Unknown command \`${show(word)}\`; did you mean \`${near}\`?`;
}

/** The subcommand one or two typos away, for `resolved` or `decalre`. */
function nearest(word: string): string | undefined {
  if (word.length < 3 || word.length > 20) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of [...SUBCOMMANDS, ...Object.keys(ALIASES)]) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
