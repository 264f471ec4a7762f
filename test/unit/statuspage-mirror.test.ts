import { describe, expect, it } from 'vitest';
import { atlassianFailure } from '../../activities/statuspage/atlassian.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { mirroredComponentId } from '../../domain/policy/statuspage.js';
import { atlassianIncidentStatus } from '../../domain/statuspage.js';
import { FIXTURE_POLICY_TEXT, policyError } from '../helpers/grammar.js';

const MIRROR = `
  mirror:
    provider: atlassian
    pageId: pg0firebreak
    apiKeyEnv: STATUSPAGE_API_KEY
    components: { Checkout: cmpcheckout01 }
`;
const withMirror = (mirror: string) => FIXTURE_POLICY_TEXT.replace('    - { name: Search, services: [search] }\n', `    - { name: Search, services: [search] }\n${mirror.replace(/^\n/, '')}`);

describe('statusPage.mirror policy', () => {
  it('reads the provider, page, key variable and component map', () => {
    const mirror = parsePolicy(withMirror(MIRROR), 'policy.yaml').statusPage?.mirror;
    expect(mirror).toEqual({ provider: 'atlassian', pageId: 'pg0firebreak', apiKeyEnv: 'STATUSPAGE_API_KEY', components: { Checkout: 'cmpcheckout01' } });
    expect(mirroredComponentId(mirror!, 'checkout')).toBe('cmpcheckout01');
    expect(mirroredComponentId(mirror!, 'Search')).toBeUndefined();
  });

  it('refuses a component the status page does not have, a key in place of its variable, and another provider', () => {
    expect(policyError(withMirror(MIRROR.replace('Checkout:', 'Chekout:')))).toMatch(/statusPage\.mirror\.components\.Chekout: component "Chekout" is not one of the status page's components \(Checkout, Search\)/);
    expect(policyError(withMirror(MIRROR.replace('STATUSPAGE_API_KEY', 'b1946ac9-2492-4c6e')))).toMatch(/statusPage\.mirror\.apiKeyEnv/);
    expect(policyError(withMirror(MIRROR.replace('atlassian', 'instatus')))).toMatch(/statusPage\.mirror\.provider/);
  });
});

describe('Atlassian Statuspage answers', () => {
  it('maps our verbs to their incident statuses', () => {
    expect(atlassianIncidentStatus('open', [{ component: 'Checkout', state: 'major' }])).toBe('investigating');
    expect(atlassianIncidentStatus('update', [{ component: 'Checkout', state: 'degraded' }])).toBe('identified');
    expect(atlassianIncidentStatus('update', [{ component: 'Checkout', state: 'operational' }])).toBe('monitoring');
    expect(atlassianIncidentStatus('update', [])).toBe('identified');
    expect(atlassianIncidentStatus('resolve', [])).toBe('resolved');
  });

  it('waits out a 429 as long as Retry-After says, retries a 5xx, and gives up on a refusal', () => {
    const limited = atlassianFailure('create', 429, 'Rate limit exceeded', '7');
    expect([limited.nonRetryable, limited.nextRetryDelay]).toEqual([false, 7000]);
    expect(atlassianFailure('update', 420, undefined, null).nextRetryDelay).toBe(60_000);
    expect(atlassianFailure('update', 503, undefined, null)).toMatchObject({ type: 'StatusPageUnavailable', nonRetryable: false });
    const badKey = atlassianFailure('create', 401, 'Could not authenticate', null);
    expect(badKey).toMatchObject({ type: 'StatusPageMirrorRefused', nonRetryable: true });
    expect(badKey.message).toBe('Atlassian Statuspage refused the incident create (401: Could not authenticate); check the API key in the variable statusPage.mirror.apiKeyEnv names.');
    expect(atlassianFailure('update', 422, ['Component status is not included in the list'], null).message).toMatch(/\(422: Component status is not included in the list\); check the component IDs/);
    expect(atlassianFailure('update', 404, 'The requested resource could not be found.', null).nonRetryable).toBe(true);
  });
});
