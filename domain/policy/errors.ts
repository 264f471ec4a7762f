// Turns a schema failure into the one line a person fixing the policy file needs: the file, the
// key path and what is wrong there.

import type { z } from 'zod';
import { describeValue, expectedGot } from './values.js';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** `services.payments.owners[0]`; keys that are not plain words are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

export function policyError(source: string, path: readonly PropertyKey[], problem: string): PolicyError {
  const where = formatPath(path);
  return new PolicyError(where ? `${source}: ${where}: ${problem}` : `${source}: ${problem}`);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownKeyMessage(key: string, known: string[]): string {
  const near = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  if (near) return `unknown key; did you mean "${near.k}"?`;
  return known.length ? `unknown key; expected one of ${known.join(', ')}` : 'unknown key';
}

/** Error map for `safeParse`; schema-level messages (durations, names…) take precedence over it. */
export const policyErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return expectedGot(TYPE_NAMES[issue.expected] ?? issue.expected, issue.input);
    case 'invalid_value':
      return expectedGot(`one of ${issue.values.map(String).join(', ')}`, issue.input);
    case 'unrecognized_keys': {
      const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
      return unknownKeyMessage(issue.keys[0] ?? '', shape ? Object.keys(shape) : []);
    }
    case 'invalid_key':
      return issue.issues[0]?.message ?? `invalid key ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' ? 'expected at least one entry, got an empty list' : undefined;
    default:
      return undefined;
  }
};

/** The first problem zod found, as one line. */
export function formatIssue(source: string, issue: z.core.$ZodIssue): PolicyError {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  return policyError(source, path, issue.message);
}
