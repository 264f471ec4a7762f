import { describe, expect, it } from 'vitest';
import { limitKey, RequestLimits } from '../../../bots/commands/limits.js';
import { limitsSection } from '../../../domain/policy/limits.js';
import { loadTestPolicy } from '../../helpers/system.js';

const limits = (over: object = {}) =>
  new RequestLimits(limitsSection.parse({ declarations: { perPerson: 2, total: 3, window: '1m' }, commands: { perPerson: 4, total: 5, window: '1m' }, ...over }));

describe('request limits', () => {
  it('has documented defaults', () => {
    expect(limitsSection.parse({})).toEqual({
      declarations: { perPerson: 5, total: 30, windowSeconds: 60 },
      commands: { perPerson: 30, total: 600, windowSeconds: 60 },
    });
  });

  it('refuses a person past their declarations with a sentence, and admits them after the window', () => {
    const l = limits();
    expect(l.admit('alice', 'declaration', 0)).toBeUndefined();
    expect(l.admit('alice', 'declaration', 1)).toBeUndefined();
    expect(l.admit('alice', 'declaration', 2)).toBe(
      'You have declared 2 incidents in the last minute, the most one person may; add to an open incident with `note`, or wait a little to declare another.',
    );
    expect(l.admit('alice', 'declaration', 60_001)).toBeUndefined();
  });

  it('refuses everyone past the service-wide declaration limit', () => {
    const l = limits();
    expect(l.admit('a', 'declaration', 0)).toBeUndefined();
    expect(l.admit('b', 'declaration', 0)).toBeUndefined();
    expect(l.admit('c', 'declaration', 0)).toBeUndefined();
    expect(l.admit('d', 'declaration', 0)).toMatch(/no more than 3 declarations every minute/);
  });

  it('counts declarations as commands, and refused requests as nothing', () => {
    const l = limits();
    expect(l.admit('alice', 'declaration', 0)).toBeUndefined();
    expect(l.admit('alice', 'declaration', 0)).toBeUndefined();
    expect(l.admit('alice', 'declaration', 0)).toBeDefined();
    expect(l.admit('alice', 'command', 0)).toBeUndefined();
    expect(l.admit('alice', 'command', 0)).toBeUndefined();
    expect(l.admit('alice', 'command', 0)).toMatch(/You have sent 4 commands/);
    expect(l.admit('bob', 'command', 0)).toBeUndefined();
    expect(l.admit('carol', 'command', 0)).toMatch(/no more than 5 commands every minute/);
  });

  it('counts one person across Slack, GitHub and the CLI, and strangers by source and ID', () => {
    const policy = loadTestPolicy();
    expect(limitKey(policy, { source: 'slack', id: 'U0ALICE' })).toBe('person:alice');
    expect(limitKey(policy, { source: 'github', id: 'alice-gh' })).toBe('person:alice');
    expect(limitKey(policy, { source: 'cli', id: 'alice' })).toBe('person:alice');
    expect(limitKey(policy, { source: 'slack', id: 'U0DAVE' })).toBe('slack:U0DAVE');
  });
});
