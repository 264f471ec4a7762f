import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_POLICY_TEXT as fixtureText, fixturePolicy, policyError } from '../helpers/grammar.js';
import { decide, resolveActor } from '../../domain/authorization/index.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { findComponent } from '../../domain/policy/statuspage-rules.js';
import { worstState } from '../../domain/statuspage.js';

const policy = fixturePolicy();
const errorOf = policyError;

describe('statusPage policy', () => {
  it('reads the title and components, and the example config parses', () => {
    expect(policy.statusPage?.title).toBe('Acme status');
    expect(policy.statusPage?.components.map((c) => [c.name, c.services])).toEqual([
      ['Checkout', ['payments']],
      ['Search', ['search']],
    ]);
    expect(findComponent(policy.statusPage, 'checkout')?.name).toBe('Checkout');
    expect(parsePolicy(readFileSync(new URL('../../firebreak.config.yaml', import.meta.url), 'utf8')).statusPage?.components.length).toBeGreaterThan(0);
  });

  it('refuses a component naming an unknown service, with its line', () => {
    const text = fixtureText.replace('services: [search] }', 'services: [serach] }');
    expect(errorOf(text)).toMatch(/^policy\.yaml: statusPage\.components\[1\]\.services\[0\]: service "serach" is not defined under services/);
  });

  it('refuses a component defined twice', () => {
    const text = fixtureText.replace('{ name: Search, services: [search] }', '{ name: checkout, services: [search] }');
    expect(errorOf(text)).toMatch(/component "checkout" is defined twice/);
  });

  it('lets the comms lead and the commander post public updates by default, nobody else', () => {
    expect(policy.permissions.publicUpdate).toEqual(['role:comms', 'role:commander']);
    const alice = resolveActor(policy, { source: 'slack', id: 'U0ALICE' });
    const facts = { incident: 'INC-1', roles: { comms: 'alice', commander: 'carol' } };
    expect(decide(policy, 'publicUpdate', alice, facts).allowed).toBe(true);
    expect(decide(policy, 'publicUpdate', resolveActor(policy, { source: 'slack', id: 'U0CAROL' }), facts).allowed).toBe(true);
    const bob = decide(policy, 'publicUpdate', resolveActor(policy, { source: 'slack', id: 'U0BOB' }), facts);
    expect(bob).toMatchObject({ allowed: false, privileged: true, reason: 'Only the comms lead or the incident commander may post public status page updates about INC-1.' });
    const guest = decide(policy, 'publicUpdate', resolveActor(policy, { source: 'slack', id: 'U0STRANGER' }), facts);
    expect(guest.allowed).toBe(false);
  });

  it('takes the worst state, outages over maintenance', () => {
    expect(worstState([])).toBe('operational');
    expect(worstState(['maintenance', 'degraded'])).toBe('degraded');
    expect(worstState(['partial', 'major', 'degraded'])).toBe('major');
    expect(worstState(['operational', 'maintenance'])).toBe('maintenance');
  });
});
