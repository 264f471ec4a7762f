// The triage route's vocabulary: where the question is asked, what it shows, and what a person who
// clicks too late is told. Pure, so the workflow and the Slack side word it the same way.

import type { Policy } from '../policy/index.js';
import type { Labels } from './types.js';

export type TriageDecision = 'accept' | 'decline';

/** Where a service's pending alerts are asked about: its own channel, else where declarations are announced. */
export function triageChannel(policy: Pick<Policy, 'services' | 'incidents'>, service: string): string {
  return policy.services[service]?.slackChannel ?? policy.incidents.announceChannel;
}

const MAX_LABELS = 12;
const MAX_VALUE = 120;
const clip = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);

/** `k=v, …` of the group's common labels, sorted and clipped; raw text the sender wrote (redact and escape it). */
export function labelsSummary(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  const shown = keys.slice(0, MAX_LABELS).map((k) => `${k}=${clip(labels[k]!)}`);
  if (keys.length > MAX_LABELS) shown.push(`and ${keys.length - MAX_LABELS} more`);
  return shown.join(', ');
}

/** How a decided group reads to whoever clicks after the decision. */
export function alreadyDecidedText(status: 'accepted' | 'declined' | 'resolved', by?: string, incident?: string): string {
  if (status === 'resolved') return 'This alert resolved before anyone decided; nothing was declared and there is nothing left to decide.';
  if (status === 'accepted') return `This alert was already accepted${by ? ` by ${by}` : ''}${incident ? ` as ${incident}` : ''}; nothing changed.`;
  return `This alert was already declined${by ? ` by ${by}` : ''}; nothing changed. Declare an incident yourself if it needs one.`;
}
