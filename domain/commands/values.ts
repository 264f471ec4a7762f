// The small values inside commands: levels, people, dates, priorities, names and durations.

import { severityFromNumber, type Severity } from '../incident.js';
import type { PersonRef, Priority } from './types.js';

/**
 * What a per-subcommand parser throws when it cannot read the text. It never leaves the parser:
 * `parseCommand` turns it into `{ ok: false }` with that subcommand's usage.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
}

export function fail(message: string): never {
  throw new ParseError(message);
}

/** A word the user typed, safe to quote back in an error: short and without backticks. */
export function show(text: string): string {
  const clean = text.replace(/`/g, "'");
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}

const LEVEL = /^(?:sev)?([1-4])$/i;

/** `2`, `sev2` or `SEV2`. */
export function parseLevel(text: string): Severity | undefined {
  const m = LEVEL.exec(text);
  return m ? severityFromNumber(Number(m[1])) : undefined;
}

export function levelNumber(severity: Severity): string {
  return severity.slice(3);
}

const SLACK_MENTION = /^<@([A-Z0-9]+)(?:\|([^<>]*))?>$/;
const HANDLE = /^@?([\p{L}\p{N}][\p{L}\p{N}._-]*)$/u;

/** `<@U123>`, `<@U123|alice>`, `@alice` or `alice`. */
export function parsePerson(text: string): PersonRef | undefined {
  const mention = SLACK_MENTION.exec(text);
  if (mention) {
    const id = mention[1] ?? '';
    const label = mention[2]?.trim();
    return label ? { kind: 'slack', id, label } : { kind: 'slack', id };
  }
  const handle = HANDLE.exec(text);
  return handle?.[1] ? { kind: 'handle', handle: handle[1] } : undefined;
}

export function formatPerson(person: PersonRef): string {
  if (person.kind === 'handle') return `@${person.handle}`;
  return person.label === undefined ? `<@${person.id}>` : `<@${person.id}|${person.label}>`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for `YYYY-MM-DD` naming a day that exists (`2024-02-29` yes, `2025-02-29` no). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

export function parsePriority(text: string): Priority | undefined {
  const upper = text.toUpperCase();
  return upper === 'P1' || upper === 'P2' || upper === 'P3' ? upper : undefined;
}

const SEED = /^[0-9]{1,16}$/;

/** A non-negative whole number small enough to survive JSON and Temporal payloads unchanged. */
export function parseSeed(text: string): number | undefined {
  const n = SEED.test(text) ? Number(text) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

export const CAPABILITY = /^[a-z][a-z0-9-]*$/;
export const FLAG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Seconds as a duration `parseDuration` reads back exactly: the largest unit that divides it.
 * (`formatDuration` is for people: `1h30m` is not a duration the grammar accepts.)
 */
export function durationText(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
