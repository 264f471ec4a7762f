import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubTeamProvider } from '../../activities/access/github-team.js';
import { accessTokenKey } from '../../platform/access-token.js';
import { accessRoutes } from '../../bots/access/introspect.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import * as access from '../../workflows/access/messages.js';
import { createLogger } from '../../platform/logger.js';
import { accessRecorder, alice, carol, credentialsFor, declare, grantUpdate, refusal, requestAccess } from '../helpers/access.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { startGitHubTeamsStandIn, type GitHubTeamsStandIn } from '../standins/github-teams.js';

const INTROSPECTION_TOKEN = 'introspect-secret-0123456789';
let system: TestSystem;
let http: RunningServer;
let github: GitHubTeamsStandIn;
const recorder = accessRecorder();
const tokenKey = accessTokenKey();

beforeAll(async () => {
  github = await startGitHubTeamsStandIn({ 'acme/probe-deployers': [] }, ['alice-gh', 'bob-gh', 'carol-gh']);
  const githubConfig = { auth: { kind: 'token' as const, token: 'ghp_test' }, apiUrl: github.url };
  system = await startTestSystem({ accessNotifiers: [recorder], access: { tokenKey, github: githubConfig } });
  http = await startHttpServer({ port: 0, logger: createLogger({ level: 'silent' }), routes: accessRoutes({ db: system.database.db, tokenKey, introspectionToken: INTROSPECTION_TOKEN }) });
});
afterAll(async () => {
  await http?.close();
  await system?.stop();
  await github?.close();
});

async function introspect(body: string, contentType = 'application/x-www-form-urlencoded', auth = `Bearer ${INTROSPECTION_TOKEN}`) {
  const res = await fetch(`${http.url}/access/introspect`, { method: 'POST', headers: { 'content-type': contentType, authorization: auth }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /access/introspect', () => {
  it('answers active for a live grant and inactive the moment it is revoked', async () => {
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['read-logs'], 30);
    const token = credentialsFor(recorder.notices, grant, 'token')!.secret!.token!;

    const live = await introspect(`token=${encodeURIComponent(token)}`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ active: true, sub: 'alice', scope: 'read-logs', incident, grant, exp: expect.any(Number), iat: expect.any(Number) });
    expect((live.body.exp as number) - (live.body.iat as number)).toBeLessThanOrEqual(31);
    expect((await introspect(JSON.stringify({ token }), 'application/json')).body).toMatchObject({ active: true, grant });

    await grantUpdate(system, grant, access.revokeUpdate, { actor: alice });
    expect((await introspect(`token=${encodeURIComponent(token)}`)).body).toEqual({ active: false });
  });

  it('refuses callers without the bearer token and tokens it did not sign', async () => {
    expect((await introspect('token=x', undefined, 'Bearer wrong')).status).toBe(401);
    expect((await introspect('token=x', undefined, '')).status).toBe(401);
    expect((await introspect('token=not-a-jwt')).body).toEqual({ active: false });
    expect((await introspect('nothing=here')).status).toBe(400);
  });
});

describe('GitHub team grants', () => {
  it('add the requester to the team on approval and remove them on revoke', async () => {
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['deploy-probe'], 20);
    expect(github.members.get('acme/probe-deployers')!.has('alice-gh')).toBe(false);
    expect((await grantUpdate(system, grant, access.approveUpdate, { actor: carol })).credentials).toEqual([{ provider: 'github-team', ref: 'acme/probe-deployers:alice-gh' }]);
    expect(github.members.get('acme/probe-deployers')!.has('alice-gh')).toBe(true);
    await grantUpdate(system, grant, access.revokeUpdate, { actor: carol });
    expect(github.members.get('acme/probe-deployers')!.has('alice-gh')).toBe(false);
    expect(await refusal(grantUpdate(system, grant, access.revokeUpdate, { actor: carol }))).toBe(`${grant} has already been revoked.`);
  });

  it('treats an already-removed member as removed, and an unknown team as a configuration error', async () => {
    const provider = createGitHubTeamProvider({ auth: { kind: 'token', token: 'ghp_test' }, apiUrl: github.url });
    await expect(provider.remove({ org: 'acme', team: 'probe-deployers' }, 'bob-gh')).resolves.toBeUndefined();
    await expect(provider.add({ org: 'acme', team: 'nope' }, 'bob-gh')).rejects.toMatchObject({ type: 'AccessMisconfigured', nonRetryable: true });
    await expect(provider.add({ org: 'acme', team: 'probe-deployers' }, 'ghost')).rejects.toMatchObject({ message: expect.stringMatching(/HTTP 422/) });
  });
});
