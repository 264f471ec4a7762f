// Reading a subcommand's arguments: the incident key, `key:value` options and the words left over.

import { parseDuration } from '../duration.js';
import { parseIncidentKey } from '../ids.js';
import type { Severity } from '../incident.js';
import type { Token } from './tokenize.js';
import type { Command, PersonRef } from './types.js';
import { fail, isCalendarDate, parseLevel, parsePerson, show } from './values.js';

/**
 * Subcommands (and the command kinds they produce, which share the names) that are not about one
 * existing incident, so an incident key has no place in them.
 */
export const NOT_ABOUT_ONE_INCIDENT: ReadonlySet<string> = new Set(['help', 'declare', 'list']);

export interface Context {
  /** The incident the text named, wherever the grammar allows it. */
  incident?: string;
}

/** Reads one subcommand's arguments (the words after the subcommand) or throws `ParseError`. */
export type ParseArgs = (args: Token[], ctx: Context) => Command;

/** A quoted `"INC-3"` is text, so formatted commands can say `note "INC-3" was a dry run`. */
export function incidentIn(token: Token | undefined): string | undefined {
  return token && !token.quoted ? parseIncidentKey(token.text) : undefined;
}

/** Takes `INC-N` when it is the first argument; naming two different incidents is an error. */
export function takeIncident(args: Token[], ctx: Context): Token[] {
  const key = incidentIn(args[0]);
  if (key === undefined) return args;
  if (ctx.incident !== undefined && ctx.incident !== key) {
    fail(`The command names two incidents, \`${ctx.incident}\` and \`${key}\`; name just one.`);
  }
  ctx.incident = key;
  return args.slice(1);
}

/** The unquoted keyword at the front, lower-cased, when it is one of `words`. */
export function keyword<W extends string>(token: Token | undefined, words: readonly W[]): W | undefined {
  if (!token || token.quoted) return undefined;
  const lower = token.text.toLowerCase();
  return (words as readonly string[]).includes(lower) ? (lower as W) : undefined;
}

const OPTION = /^([A-Za-z]+):(.*)$/s;

/** The option key of a word, lower-cased, when the word is `key:value` and `key` is in `keys`. */
export function optionKey(word: string, keys: readonly string[]): string | undefined {
  const key = OPTION.exec(word)?.[1]?.toLowerCase();
  return key !== undefined && keys.includes(key) ? key : undefined;
}

export interface Options {
  values: Map<string, string[]>;
  rest: Token[];
}

const EXAMPLES: Readonly<Record<string, string>> = {
  sev: 'sev:2',
  service: 'service:checkout',
  release: 'release:v1.4.2',
  seed: 'seed:42',
  ttl: 'ttl:2h',
  source: 'source:staging',
  env: 'env:production',
  owner: 'owner:@alice',
  due: 'due:2025-07-01',
  priority: 'priority:P1',
  team: 'team:payments',
};

/** Pulls the `keys` options out from anywhere among the arguments. */
export function readOptions(args: readonly Token[], keys: readonly string[]): Options {
  const values = new Map<string, string[]>();
  const rest: Token[] = [];
  for (const token of args) {
    const key = token.quoted ? undefined : optionKey(token.text, keys);
    if (key === undefined) {
      rest.push(token);
      continue;
    }
    const value = token.text.slice(key.length + 1);
    if (value === '') fail(`\`${key}:\` needs a value right after the colon, like \`${EXAMPLES[key] ?? `${key}:x`}\`.`);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return { values, rest };
}

/** The one value of an option that may appear once. */
export function single(opts: Options, key: string): string | undefined {
  const values = opts.values.get(key);
  if (values && values.length > 1) fail(`\`${key}:\` appears ${values.length} times; give it once.`);
  return values?.[0];
}

/** Each value once, in the order given. */
export function many(opts: Options, key: string): string[] {
  return [...new Set(opts.values.get(key) ?? [])];
}

export function severityOption(opts: Options): Severity | undefined {
  const raw = single(opts, 'sev');
  if (raw === undefined) return undefined;
  return parseLevel(raw) ?? fail(`\`sev:${show(raw)}\` is not a severity; use 1 to 4, like \`sev:2\`.`);
}

export function durationOption(opts: Options, key: string): number | undefined {
  const raw = single(opts, key);
  if (raw === undefined) return undefined;
  return parseDuration(raw) ?? fail(`\`${key}:${show(raw)}\` is not a duration; write it like \`${key}:2h\` (s, m, h or d).`);
}

export function personOption(opts: Options, key: string): PersonRef | undefined {
  const raw = single(opts, key);
  if (raw === undefined) return undefined;
  return parsePerson(raw) ?? fail(`\`${key}:${show(raw)}\` is not a person; write it like \`${key}:@alice\`.`);
}

export function dateOption(opts: Options, key: string): string | undefined {
  const raw = single(opts, key);
  if (raw === undefined || isCalendarDate(raw)) return raw;
  return fail(`\`${key}:${show(raw)}\` is not a real date; write it as YYYY-MM-DD, like \`${key}:2025-07-01\`.`);
}

/** Fails when words are left that the subcommand has no place for. */
export function noMore(rest: readonly Token[], what: string): void {
  const extra = rest[0];
  if (extra) fail(`${what}; \`${show(extra.text)}\` does not fit there.`);
}
