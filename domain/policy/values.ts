// The small value types the policy file is built from, each with an error that says what was
// expected and what was found, so a typo in one field reads as one clear line.

import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { ROLES, type Role } from '../incident.js';

/** How a value found in the file reads in an error: `"soon"`, `12`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function expectedGot(expected: string, value: unknown): string {
  return value === undefined ? `missing, expected ${expected}` : `expected ${expected}, got ${describeValue(value)}`;
}

/** A string matching `re`; the error names what was expected in words. */
export function matching<T extends string = string>(re: RegExp, expected: string) {
  return z.custom<T>((v) => typeof v === 'string' && re.test(v), {
    error: (issue) => expectedGot(expected, issue.input),
  });
}

/** `"30m"`, `"10s"` or a whole number of seconds; parsed to seconds. */
export function duration() {
  return z.unknown().transform((value, ctx): number => {
    const seconds =
      typeof value === 'string' ? parseDuration(value) : Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined;
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: expectedGot('a duration like "30m" or a number of seconds', value) });
      return z.NEVER;
    }
    return seconds;
  });
}

// Team, service and person names appear in commands (`service:payments`, `team:sre`, `@alice`),
// so they must be single tokens.
export const name = matching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a name of letters, digits, ".", "_" or "-"');
export const capabilityName = /^[a-z][a-z0-9-]{0,62}$/;
export const identifier = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
export const slackUserId = matching(/^[UW][A-Z0-9]{2,}$/, 'a Slack user ID like "U0123ABC"');
export const slackChannel = matching(/^(#[a-z0-9][a-z0-9_-]{0,79}|C[A-Z0-9]{2,})$/, 'a Slack channel like "#incidents" or a channel ID');
export const githubLogin = matching(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub login');
export const githubRepo = matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a GitHub repository like "acme/payments"');
export const envReference = matching<`env:${string}`>(/^env:[A-Z_][A-Z0-9_]*$/, 'an environment variable reference like "env:SANDBOX_SOURCE_URL"');
export const positiveInt = (expected = 'a whole number of 1 or more') =>
  z.custom<number>((v) => Number.isSafeInteger(v) && (v as number) >= 1, { error: (issue) => expectedGot(expected, issue.input) });

export type Principal = 'anyone' | `role:${Role}` | `team:${string}` | `person:${string}`;
export const principal = matching<Principal>(
  new RegExp(`^(anyone|role:(${ROLES.join('|')})|(team|person):[A-Za-z0-9][A-Za-z0-9._-]*)$`),
  `"anyone", "role:${ROLES.join('|')}", "team:NAME" or "person:NAME"`,
);
