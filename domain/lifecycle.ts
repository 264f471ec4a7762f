// The incident lifecycle of DESIGN.md §1 as a pure transition table. Workflow update validators
// call `checkTransition` so an illegal move is refused with a reason before anything is written.

import type { Phase } from './incident.js';

export const LIFECYCLE_EVENTS = [
  'start_triage',
  'start_mitigation',
  'mitigated',
  'resolve',
  'reopen',
  'start_postmortem',
  'close',
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

const TRANSITIONS: Record<Phase, Partial<Record<LifecycleEvent, Phase>>> = {
  declared: { start_triage: 'triage' },
  triage: { start_mitigation: 'mitigating', mitigated: 'monitoring', resolve: 'resolved' },
  mitigating: { mitigated: 'monitoring', resolve: 'resolved' },
  // A mitigation that did not hold sends the incident back to mitigating.
  monitoring: { start_mitigation: 'mitigating', resolve: 'resolved' },
  // Reopening means the problem is back, so work resumes in mitigating rather than triage.
  resolved: { reopen: 'mitigating', start_postmortem: 'postmortem', close: 'closed' },
  postmortem: { close: 'closed' },
  closed: {},
};

/** Phases in which responders are actively working: reminders run, mitigation actions are allowed. */
export const ACTIVE_PHASES: readonly Phase[] = ['triage', 'mitigating', 'monitoring'];

export function isActivePhase(phase: Phase): boolean {
  return ACTIVE_PHASES.includes(phase);
}

/** Resolved or later: the incident is over for responders (its GitHub issue is closed). */
const ENDED_PHASES: ReadonlySet<string> = new Set<Phase>(['resolved', 'postmortem', 'closed']);

export function isEnded(phase: string): boolean {
  return ENDED_PHASES.has(phase);
}

export type TransitionCheck = { ok: true; to: Phase } | { ok: false; reason: string };

export function checkTransition(phase: Phase, event: LifecycleEvent, incident = 'The incident'): TransitionCheck {
  const to = TRANSITIONS[phase][event];
  if (to) return { ok: true, to };
  return { ok: false, reason: refusalReason(phase, event, incident) };
}

export function allowedEvents(phase: Phase): LifecycleEvent[] {
  return LIFECYCLE_EVENTS.filter((event) => TRANSITIONS[phase][event] !== undefined);
}

/** Severity, roles, notes and status updates may change in every phase but `closed`. */
export function checkEditable(phase: Phase, incident = 'The incident'): TransitionCheck {
  if (phase === 'closed') return { ok: false, reason: `${incident} is closed; declare a new incident instead.` };
  return { ok: true, to: phase };
}

function refusalReason(phase: Phase, event: LifecycleEvent, incident: string): string {
  if (phase === 'closed') return `${incident} is closed; declare a new incident instead.`;
  switch (event) {
    case 'resolve':
      return phase === 'resolved' || phase === 'postmortem'
        ? `${incident} is already resolved.`
        : `${incident} cannot be resolved while in ${phase}.`;
    case 'mitigated':
      return phase === 'monitoring'
        ? `${incident} is already mitigated and being monitored; resolve it when it holds.`
        : `${incident} is ${phase}; only an open incident can be marked mitigated.`;
    case 'reopen':
      return phase === 'postmortem'
        ? `${incident} is past its reopen window and in postmortem; declare a new incident instead.`
        : `${incident} is still open (${phase}); only a resolved incident can be reopened.`;
    case 'start_mitigation':
      return `${incident} is ${phase}; mitigation can start only during triage or monitoring.`;
    case 'start_triage':
      return `${incident} is already past triage (${phase}).`;
    case 'start_postmortem':
      return `${incident} is ${phase}; a postmortem starts only after it is resolved.`;
    case 'close':
      return `${incident} is ${phase}; only a resolved incident or a finished postmortem can be closed.`;
  }
}
