// When a service's alerts must not declare: maintenance windows (two instants) and weekly quiet
// hours (local clock times in an IANA time zone, so "22:00 to 07:00 in Paris" stays 22:00 to 07:00
// across daylight-saving changes). Pure functions of the policy and an instant: the alert-group
// workflow asks them with its own clock, so a replay decides the same way.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MaintenanceWindow {
  /** ISO 8601 instants with an offset; the window is [from, to). */
  from: string;
  to: string;
  reason: string;
}

export interface QuietHours {
  /** The days a quiet period STARTS on; one that crosses midnight ends the next morning. */
  days: Weekday[];
  /** "HH:MM" local times; `to` before `from` crosses midnight. */
  from: string;
  to: string;
  timeZone: string;
}

export type SuppressionWindow = { service: string; maintenance: MaintenanceWindow } | { service: string; quietHours: QuietHours };

/** Why a declaration waits, and the first instant it may be tried again. */
export interface ActiveSuppression {
  kind: 'maintenance' | 'quietHours';
  /** The window's index in alerts.suppress, so the record names which one. */
  window: number;
  reason: string;
  /** Epoch milliseconds at which this window (and any other active one) has ended. */
  untilMs: number;
}

const MINUTE_MS = 60_000;
/** Quiet hours last under a day; a little more than a day bounds the search for their end. */
const MAX_QUIET_MINUTES = 25 * 60;

/** "HH:MM" → minutes after local midnight, or undefined. */
export function clockMinutes(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minutes after midnight that a wall clock in `timeZone` shows at `ms`. */
export function localClock(ms: number, timeZone: string): { day: Weekday; minutes: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).slice(0, 3).toLowerCase() as Weekday;
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const previousDay = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;

export function inQuietHours(quiet: QuietHours, ms: number): boolean {
  const from = clockMinutes(quiet.from)!;
  const to = clockMinutes(quiet.to)!;
  const { day, minutes } = localClock(ms, quiet.timeZone);
  if (from < to) return quiet.days.includes(day) && minutes >= from && minutes < to;
  // Across midnight: the evening part belongs to today, the morning part to the day before.
  return (quiet.days.includes(day) && minutes >= from) || (quiet.days.includes(previousDay(day)) && minutes < to);
}

/**
 * The first whole minute at or after `ms` outside the quiet hours. Stepping a minute at a time
 * follows the wall clock through DST: a window ending at 02:30 on the night clocks jump from 02:00
 * to 03:00 ends at 03:00, the first minute the clock shows a time past its end.
 */
export function quietHoursEnd(quiet: QuietHours, ms: number): number {
  let at = Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
  for (let i = 0; i < MAX_QUIET_MINUTES && inQuietHours(quiet, at); i++) at += MINUTE_MS;
  return at;
}

function activeOne(window: SuppressionWindow, ms: number): { kind: ActiveSuppression['kind']; reason: string; untilMs: number } | undefined {
  if ('maintenance' in window) {
    const { from, to, reason } = window.maintenance;
    const start = Date.parse(from);
    const end = Date.parse(to);
    return ms >= start && ms < end ? { kind: 'maintenance', reason, untilMs: end } : undefined;
  }
  const quiet = window.quietHours;
  if (!inQuietHours(quiet, ms)) return undefined;
  const days = quiet.days.join(', ');
  return { kind: 'quietHours', reason: `quiet hours ${quiet.from}–${quiet.to} ${quiet.timeZone} (${days})`, untilMs: quietHoursEnd(quiet, ms) };
}

/**
 * The window that holds `service`'s declarations at `ms`, if any. With several active at once, the
 * one ending last is reported (its end is when the declaration is tried again; a window starting
 * exactly then is found on that try).
 */
export function activeSuppression(windows: readonly SuppressionWindow[], service: string, ms: number): ActiveSuppression | undefined {
  let found: ActiveSuppression | undefined;
  for (const [i, window] of windows.entries()) {
    if (window.service !== service) continue;
    const active = activeOne(window, ms);
    if (active && (!found || active.untilMs > found.untilMs)) found = { ...active, window: i };
  }
  return found;
}
