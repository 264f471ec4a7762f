// Whether a rule's `if:` holds for an incident, and why: pure, so the incident workflow, the rule
// run (after a `wait`) and `rules test` all judge a condition the same way.

import { SEVERITIES, type Severity } from '../incident.js';
import type { RuleCondition, RuleFacts, TimeWindow } from './types.js';

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinutes(at: string, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

export function clockMinutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

export function inWindow(window: TimeWindow, at: string): boolean {
  const now = localMinutes(at, window.timeZone);
  const from = clockMinutes(window.from);
  const to = clockMinutes(window.to);
  return from <= to ? now >= from && now < to : now >= from || now < to;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

export function holds(condition: RuleCondition | undefined, facts: RuleFacts): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((c) => holds(c, facts));
  if ('any' in condition) return condition.any.some((c) => holds(c, facts));
  if ('none' in condition) return !condition.none.some((c) => holds(c, facts));
  if ('severityIn' in condition) return condition.severityIn.includes(facts.severity);
  if ('severityAtLeast' in condition) return rank(facts.severity) <= rank(condition.severityAtLeast);
  if ('services' in condition) return condition.services.some((s) => facts.services.includes(s));
  if ('labels' in condition) return Object.entries(condition.labels).every(([k, v]) => facts.labels[k] === v);
  if ('private' in condition) return facts.private === condition.private;
  if ('timeOfDay' in condition) return inWindow(condition.timeOfDay, facts.now);
  const value = facts.fields[condition.field] ?? '';
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.contains !== undefined && !value.toLowerCase().includes(condition.contains.toLowerCase())) return false;
  return true;
}

/** One line per condition, each marked with whether it holds now: what `rules test` shows. */
export function explain(condition: RuleCondition | undefined, facts: RuleFacts, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  if (condition === undefined) return [`${pad}(no conditions)`];
  const mark = holds(condition, facts) ? '✓' : '✗';
  for (const group of ['all', 'any', 'none'] as const) {
    if (group in condition) {
      const children = (condition as Record<typeof group, RuleCondition[]>)[group];
      return [`${pad}${mark} ${group} of:`, ...children.flatMap((c) => explain(c, facts, depth + 1))];
    }
  }
  return [`${pad}${mark} ${describeCondition(condition, facts)}`];
}

function describeCondition(c: RuleCondition, facts: RuleFacts): string {
  if ('severityIn' in c) return `severity in ${c.severityIn.join(', ')} (is ${facts.severity})`;
  if ('severityAtLeast' in c) return `severity at least ${c.severityAtLeast} (is ${facts.severity})`;
  if ('services' in c) return `services include any of ${c.services.join(', ')} (are ${facts.services.join(', ') || 'none'})`;
  if ('labels' in c) return `labels ${Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`;
  if ('private' in c) return `private is ${c.private} (is ${facts.private})`;
  if ('timeOfDay' in c) {
    const m = localMinutes(facts.now, c.timeOfDay.timeZone);
    const local = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return `time between ${c.timeOfDay.from} and ${c.timeOfDay.to} ${c.timeOfDay.timeZone} (is ${local})`;
  }
  if ('field' in c) {
    const tests = [c.equals !== undefined ? `equals "${c.equals}"` : '', c.contains !== undefined ? `contains "${c.contains}"` : ''].filter(Boolean);
    return `${c.field} ${tests.join(' and ') || 'is set'}`;
  }
  return 'condition';
}
