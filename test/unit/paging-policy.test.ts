import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_POLICY_TEXT as fixtureText, fixturePolicy, policyError } from '../helpers/grammar.js';
import { decide, resolveActor } from '../../domain/authorization/index.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { pagedServices, routingKeyEnvOf, webhookPages } from '../../domain/policy/paging-rules.js';

const policy = fixturePolicy();
const errorOf = policyError;

describe('paging policy', () => {
  it('reads each service routing key variable and the severities paged on declaration; the example config parses', () => {
    expect(routingKeyEnvOf(policy.paging, 'payments')).toBe('FIREBREAK_TEST_PAGERDUTY_PAYMENTS');
    expect(routingKeyEnvOf(policy.paging, 'nope')).toBeUndefined();
    expect(policy.paging?.pageOn).toEqual(['SEV1', 'SEV2']);
    const example = parsePolicy(readFileSync(new URL('../../firebreak.config.yaml', import.meta.url), 'utf8'));
    expect(routingKeyEnvOf(example.paging, 'payments')).toBe('PAGERDUTY_PAYMENTS_ROUTING_KEY');
  });

  it('pages SEV1 and SEV2 when pageOn is left out', () => {
    const text = fixtureText.replace('  pageOn: [SEV1, SEV2]\n', '');
    expect(parsePolicy(text, 'policy.yaml').paging?.pageOn).toEqual(['SEV1', 'SEV2']);
  });

  it('refuses an unknown service with its path', () => {
    const text = fixtureText.replace('search: { routingKeyEnv: FIREBREAK_TEST_PAGERDUTY_SEARCH }', 'serach: { routingKeyEnv: FIREBREAK_TEST_PAGERDUTY_SEARCH }');
    expect(errorOf(text)).toMatch(/^policy\.yaml: paging\.pagerduty\.services\.serach: service "serach" is not defined under services/);
  });

  it('refuses a routing key written into the policy instead of a variable name, and an unknown severity', () => {
    expect(errorOf(fixtureText.replace('FIREBREAK_TEST_PAGERDUTY_SEARCH', 'R0123abcdef'))).toMatch(/paging\.pagerduty\.services\.search\.routingKeyEnv: expected an environment variable name/);
    expect(errorOf(fixtureText.replace('pageOn: [SEV1, SEV2]', 'pageOn: [SEV1, SEV9]'))).toMatch(/paging\.pageOn\[1\]: expected SEV1 to SEV4/);
  });

  it('reads the webhook pager, ackWithin per severity and the escalation fallback', () => {
    const text = fixtureText.replace(
      '  pageOn: [SEV1, SEV2]\n',
      '  pageOn: [SEV1, SEV2]\n  webhook: { urlEnv: GOALERT_URL, secretEnv: GOALERT_SECRET, services: [search] }\n  ackWithin: { SEV1: 5m, SEV2: 15m }\n  escalation: { fallback: carol }\n',
    );
    const paging = parsePolicy(text, 'policy.yaml').paging!;
    expect(paging.webhook).toEqual({ urlEnv: 'GOALERT_URL', secretEnv: 'GOALERT_SECRET', services: ['search'] });
    expect(paging.ackWithin).toEqual({ SEV1: 300, SEV2: 900 });
    expect(paging.escalation).toEqual({ fallback: 'carol' });
    expect(webhookPages(paging, 'search', ['payments', 'search'])).toBe(true);
    expect(webhookPages(paging, 'payments', ['payments', 'search'])).toBe(false);
    expect(pagedServices(paging, ['payments', 'search'])).toEqual(['payments', 'search']);
    expect(policy.paging?.ackWithin).toEqual({});
  });

  it('pages through the webhook alone when there is no pagerduty part, covering every service', () => {
    const text = fixtureText.replace(/paging:\n {2}pagerduty:\n {4}services:\n.*\n.*\n/, 'paging:\n  webhook: { urlEnv: GOALERT_URL, secretEnv: GOALERT_SECRET }\n');
    const paging = parsePolicy(text, 'policy.yaml').paging!;
    expect(paging.pagerduty.services).toEqual({});
    expect(pagedServices(paging, ['payments', 'search'])).toEqual(['payments', 'search']);
  });

  it('refuses a webhook URL or secret written into the policy, an unknown webhook service, a bad ackWithin and an unknown fallback', () => {
    const withPaging = (extra: string) => fixtureText.replace('  pageOn: [SEV1, SEV2]\n', `  pageOn: [SEV1, SEV2]\n${extra}`);
    expect(errorOf(withPaging('  webhook: { urlEnv: "https://goalert.example", secretEnv: S }\n'))).toMatch(/paging\.webhook\.urlEnv: expected an environment variable name/);
    expect(errorOf(withPaging('  webhook: { urlEnv: U, secretEnv: S, services: [billing] }\n'))).toMatch(/paging\.webhook\.services\[0\]: service "billing" is not defined under services/);
    expect(errorOf(withPaging('  ackWithin: { SEV1: soon }\n'))).toMatch(/paging\.ackWithin\.SEV1: expected a duration/);
    expect(errorOf(withPaging('  ackWithin: { SEV7: 5m }\n'))).toMatch(/paging\.ackWithin/);
    expect(errorOf(withPaging('  escalation: { fallback: dave }\n'))).toMatch(/paging\.escalation\.fallback: dave is not a member of any team/);
  });

  it('lets team members page and refuses guests', () => {
    expect(policy.permissions.page).toEqual(['anyone']);
    const facts = { incident: 'INC-1', roles: {} };
    expect(decide(policy, 'page', resolveActor(policy, { source: 'slack', id: 'U0BOB' }), facts).allowed).toBe(true);
    const guest = decide(policy, 'page', resolveActor(policy, { source: 'slack', id: 'U0STRANGER' }), facts);
    expect(guest).toMatchObject({ allowed: false, privileged: true });
    expect(guest.allowed === false && guest.reason).toMatch(/not in any team of the policy, so Firebreak does not let them page people \(PagerDuty or the webhook pager\)/);
  });
});
