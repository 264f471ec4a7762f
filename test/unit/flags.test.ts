import { describe, expect, it } from 'vitest';
import { parseDecisionValue } from '../../bots/flags/decide.js';
import { renderFlagList } from '../../bots/flags/commands.js';
import { changeNote, compensations, findFlag, isEmergency, rollbackTarget, withoutEmergency, type FlagChange } from '../../domain/flags.js';
import { loadTestPolicy } from '../helpers/system.js';

const start = '2026-01-01T12:00:00.000Z';
const change = (at: string, enabled: boolean, environment = 'production', by = 'alice'): FlagChange => ({ at, environment, enabled, by });

describe('rollbackTarget', () => {
  it('returns the state before the last change in the environment that preceded the start', () => {
    const history = [change('2026-01-01T10:00:00Z', true), change('2026-01-01T11:58:00Z', false), change('2026-01-01T11:59:00Z', true, 'staging'), change('2026-01-01T12:05:00Z', true)];
    expect(rollbackTarget({ flag: 'f', environment: 'production', killSwitch: false, history, startedAt: start, current: true })).toEqual({
      ok: true,
      enabled: true,
      because: 'before alice turned it off at 2026-01-01T11:58:00Z',
      lastChange: history[1],
    });
  });

  it('is off for a kill switch whatever the history, and refuses without an earlier change', () => {
    expect(rollbackTarget({ flag: 'f', environment: 'production', killSwitch: true, history: [], startedAt: start, current: true })).toMatchObject({ ok: true, enabled: false });
    expect(rollbackTarget({ flag: 'f', environment: 'production', killSwitch: false, history: [change('2026-01-01T12:01:00Z', true)], startedAt: start, current: true })).toEqual({
      ok: false,
      reason: 'f did not change in production before the incident started, so there is no earlier state to return to.',
    });
  });
});

describe('findFlag', () => {
  const policy = loadTestPolicy();
  it('resolves a flag to its service, provider and options, with an environment override', () => {
    expect(findFlag(policy, ['payments'], 'smart-retries')).toMatchObject({ ok: true, flag: { service: 'payments', provider: 'unleash', project: 'default', environment: 'development', killSwitch: true, verifyAfterSeconds: 2 } });
    expect(findFlag(policy, [], 'semantic-ranking', 'production')).toMatchObject({ ok: true, flag: { provider: 'launchdarkly', environment: 'production', approvalRequired: true } });
    expect(findFlag(policy, ['payments'], 'nope')).toMatchObject({ ok: false, reason: expect.stringMatching(/^No service in the policy lists a flag "nope"/) });
  });
});

describe('saga and notes', () => {
  it('compensates newest first, back to each flag\'s earlier state', () => {
    const ref = (flag: string) => ({ provider: 'unleash' as const, project: 'p', environment: 'e', flag });
    expect(compensations([{ ref: ref('a'), from: true, to: false }, { ref: ref('b'), from: false, to: true }])).toEqual([
      { ref: ref('b'), from: true, to: false },
      { ref: ref('a'), from: false, to: true },
    ]);
  });

  it('reads the emergency prefix and writes the annotation', () => {
    expect([isEmergency('emergency: down'), isEmergency('Emergency'), isEmergency('emergencyish'), isEmergency(undefined)]).toEqual([true, true, false, false]);
    expect(withoutEmergency('emergency: search is down')).toBe('search is down');
    expect(changeNote('INC-4', 'carol', 'checkout 502s')).toBe('Firebreak INC-4 by carol: checkout 502s');
  });

  it('parses button values and renders the flag list', () => {
    expect(parseDecisionValue('INC-3|new-checkout@production')).toEqual({ incident: 'INC-3', flag: 'new-checkout', environment: 'production' });
    expect(parseDecisionValue('INC-3|junk')).toBeUndefined();
    expect(
      renderFlagList([{ flag: 'new-checkout', environment: 'production', provider: 'unleash', service: 'payments', atDeclaration: true, now: false, status: 'rolled back', recent: [{ ...change('2026-01-01T11:58:00Z', true), note: 'Firebreak INC-1 by bob: x' }] }]),
    ).toBe('new-checkout (unleash, production): on at declaration, off now, rolled back\n    2026-01-01 11:58:00Z turned on by alice — Firebreak INC-1 by bob: x');
  });
});
