// GitHub App credentials against the stand-in: the App's JWT finds the repository's installation,
// an installation token is minted once per owner, and GITHUB_API_URL (GHES) is used throughout.

import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubApi } from '../../activities/github/client.js';
import { createLogger } from '../../platform/logger.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';

let standin: GitHubStandIn;
beforeAll(async () => {
  standin = await startGitHubStandIn();
});
afterAll(async () => {
  await standin?.stop();
});

describe('GitHub App authentication', () => {
  it('uses installation tokens for repositories and the App JWT for the App itself', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const api = createGitHubApi({ auth: { kind: 'app', appId: '12345', privateKey }, apiUrl: standin.url }, { logger: createLogger({ level: 'silent' }), paceWrites: false });
    standin.seedIssue('acme/payments', { number: 1 });
    const client = await api.forRepo('acme/payments');
    await client.rest.issues.get({ owner: 'acme', repo: 'payments', issue_number: 1 });
    await (await api.forRepo('acme/search')).rest.repos.listDeployments({ owner: 'acme', repo: 'search' }).catch(() => undefined);
    expect(await api.botLogin()).toBe('firebreak[bot]');
    expect(standin.callsTo('GET', /^\/repos\/acme\/payments\/installation$/)).toHaveLength(1);
    expect(standin.callsTo('GET', /^\/repos\/acme\/search\/installation$/)).toHaveLength(0);
    expect(standin.callsTo('POST', /^\/app\/installations\/42\/access_tokens$/)).toHaveLength(1);
    expect(standin.callsTo('GET', /^\/repos\/acme\/payments\/issues\/1$/).map((c) => [c.status, c.authorization])).toEqual([[200, 'token ghs_standin']]);
    expect(standin.callsTo('GET', /^\/repos\/acme\/payments\/installation$/)[0]!.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
