import { describe, expect, it } from 'vitest';
import { PHASES, type Phase } from '../../domain/incident.js';
import { LIFECYCLE_EVENTS, allowedEvents, checkEditable, checkTransition, type LifecycleEvent } from '../../domain/lifecycle.js';

const LEGAL: Array<[Phase, LifecycleEvent, Phase]> = [
  ['declared', 'start_triage', 'triage'],
  ['triage', 'start_mitigation', 'mitigating'],
  ['triage', 'mitigated', 'monitoring'],
  ['triage', 'resolve', 'resolved'],
  ['mitigating', 'mitigated', 'monitoring'],
  ['mitigating', 'resolve', 'resolved'],
  ['monitoring', 'start_mitigation', 'mitigating'],
  ['monitoring', 'resolve', 'resolved'],
  ['resolved', 'reopen', 'mitigating'],
  ['resolved', 'start_postmortem', 'postmortem'],
  ['resolved', 'close', 'closed'],
  ['postmortem', 'close', 'closed'],
];

describe('incident lifecycle', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, event, to) => {
    expect(checkTransition(from, event)).toEqual({ ok: true, to });
  });

  it('refuses every other transition with a reason that names the incident', () => {
    const legal = new Set(LEGAL.map(([from, event]) => `${from}/${event}`));
    let refused = 0;
    for (const phase of PHASES) {
      for (const event of LIFECYCLE_EVENTS) {
        if (legal.has(`${phase}/${event}`)) continue;
        const result = checkTransition(phase, event, 'INC-7');
        expect(result.ok, `${phase}/${event}`).toBe(false);
        if (!result.ok) {
          expect(result.reason).toMatch(/^INC-7 /);
          expect(result.reason.endsWith('.')).toBe(true);
        }
        refused++;
      }
    }
    expect(refused).toBe(PHASES.length * LIFECYCLE_EVENTS.length - LEGAL.length);
  });

  it('gives the specific reasons people will see', () => {
    expect(checkTransition('resolved', 'resolve', 'INC-3')).toEqual({ ok: false, reason: 'INC-3 is already resolved.' });
    expect(checkTransition('mitigating', 'reopen', 'INC-3')).toEqual({
      ok: false,
      reason: 'INC-3 is still open (mitigating); only a resolved incident can be reopened.',
    });
    expect(checkTransition('closed', 'reopen', 'INC-3')).toEqual({
      ok: false,
      reason: 'INC-3 is closed; declare a new incident instead.',
    });
  });

  it('lists the events each phase allows and keeps closed terminal', () => {
    expect(allowedEvents('closed')).toEqual([]);
    expect(allowedEvents('resolved')).toEqual(['reopen', 'start_postmortem', 'close']);
    expect(checkEditable('closed', 'INC-1').ok).toBe(false);
    for (const phase of PHASES.filter((p) => p !== 'closed')) expect(checkEditable(phase).ok).toBe(true);
  });
});
