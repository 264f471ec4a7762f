import { describe, expect, it } from 'vitest';
import { grantRoleName, scramVerifier } from '../../activities/access/postgres.js';
import { issueAccessToken } from '../../activities/access/token.js';
import { verifyAccessToken } from '../../platform/access-token.js';
import { ConfigError, parseEnv, secretValues } from '../../platform/config/index.js';
import { accessRequestProblem, approvalProblem, approvalRequirement, eligibleApprovers, escalationStages, extensionProblem, revokeProblem } from '../../domain/access/rules.js';
import { loadTestPolicy } from '../helpers/system.js';

const policy = loadTestPolicy();
const base = { grant: 'GR-1', incident: 'INC-1', requester: 'alice', approvedBy: [] as string[] };

describe('access requests', () => {
  it('accept what the policy allows and name the problem otherwise', () => {
    const ok = { capabilities: ['read-logs', 'db-readonly'], durationSeconds: 30, reason: 'checking 502s', requester: 'alice' };
    expect(accessRequestProblem(policy, ok)).toBeUndefined();
    expect(accessRequestProblem(policy, { ...ok, durationSeconds: 31 })).toBe('db-readonly may be granted for at most 30s; ask for that or less.');
    expect(accessRequestProblem(policy, { ...ok, capabilities: ['root'] })).toMatch(/^There is no capability "root"; the policy defines read-logs, db-readonly/);
    expect(accessRequestProblem(policy, { ...ok, reason: ' ' })).toMatch(/needs a reason/);
    expect(accessRequestProblem(policy, { ...ok, capabilities: [] })).toMatch(/at least one capability/);
  });

  it('refuse a request nobody but the requester could approve', () => {
    // db-readonly is approved by sre only: carol cannot approve her own request and nobody else may.
    expect(accessRequestProblem(policy, { capabilities: ['db-readonly'], durationSeconds: 5, reason: 'x', requester: 'carol' })).toMatch(/^Nobody could approve db-readonly for you/);
    expect(accessRequestProblem(policy, { capabilities: ['db-readonly'], durationSeconds: 5, reason: 'x', requester: 'carol', commander: 'bob' })).toBeUndefined();
  });

  it('take the strictest part of a request: largest quorum, shortest maximum', () => {
    expect(approvalRequirement(policy, ['read-logs'])).toEqual({ needsApproval: false, quorum: 0, sensitive: false, maxDurationSeconds: 60 });
    expect(approvalRequirement(policy, ['db-readonly', 'read-pii'])).toEqual({ needsApproval: true, quorum: 2, sensitive: true, maxDurationSeconds: 20 });
  });
});

describe('who may approve', () => {
  it('never the requester, only members of an approver team of every capability, or the commander where allowed', () => {
    const check = { ...base, capabilities: ['db-readonly'] };
    expect(approvalProblem(policy, { ...check, approver: 'alice' })).toBe('You cannot approve your own access request GR-1; another approver must.');
    expect(approvalProblem(policy, { ...check, approver: 'bob' })).toMatch(/^Only a member of team sre or the incident commander may approve db-readonly/);
    expect(approvalProblem(policy, { ...check, approver: 'carol' })).toBeUndefined();
    expect(approvalProblem(policy, { ...check, approver: 'bob', commander: 'bob' })).toBeUndefined();
    // Sensitive capabilities never count the commander.
    expect(approvalProblem(policy, { ...check, capabilities: ['read-pii'], requester: 'dave', approver: 'carol', commander: 'carol' })).toBeUndefined();
    expect(approvalProblem(policy, { ...check, capabilities: ['read-pii'], approver: 'slack:U0DAVE', commander: 'slack:U0DAVE' })).toMatch(/^Only someone in a team of the policy may approve access requests/);
    expect(approvalProblem(policy, { ...check, approver: 'carol', approvedBy: ['carol'] })).toMatch(/already approved/);
    expect(approvalProblem(policy, { ...check, approver: 'alice' }, 'deny')).toMatch(/cannot deny your own/);
  });

  it('lists eligible approvers and escalates from the first approver team to the rest and the managers', () => {
    expect(eligibleApprovers(policy, ['read-pii'], 'alice')).toEqual(['bob', 'carol']);
    expect(eligibleApprovers(policy, ['db-readonly', 'read-pii'], 'alice')).toEqual(['carol']);
    expect(escalationStages(policy, ['read-pii'], 'dave')).toEqual([['carol'], ['alice', 'bob']]);
    expect(escalationStages(policy, ['db-readonly'], 'alice')).toEqual([['carol']]);
    expect(escalationStages(policy, ['read-logs'], 'alice')).toEqual([]);
  });

  it('lets the requester, the commander or an approver revoke', () => {
    const check = { ...base, capabilities: ['db-readonly'] };
    expect(revokeProblem(policy, { ...check, approver: 'alice' })).toBeUndefined();
    expect(revokeProblem(policy, { ...check, approver: 'carol' })).toBeUndefined();
    expect(revokeProblem(policy, { ...check, approver: 'bob', commander: 'bob' })).toBeUndefined();
    expect(revokeProblem(policy, { ...check, approver: 'bob' })).toBe('Only the requester, the incident commander or an approver may revoke GR-1.');
  });

  it('bounds extensions by the maximum counted from activation', () => {
    expect(extensionProblem(policy, ['read-logs'], 30, 30, 'GR-1')).toBeUndefined();
    expect(extensionProblem(policy, ['read-logs'], 30, 31, 'GR-1')).toBe('GR-1 may last at most 1m in total; extend by 30s or less.');
    expect(extensionProblem(policy, ['read-logs'], 60, 1, 'GR-1')).toBe('GR-1 may last at most 1m in total; request a new grant instead.');
  });
});

describe('access settings and secrets', () => {
  const DATABASE_URL = 'postgres://firebreak@127.0.0.1:5432/firebreak';
  const key = Buffer.alloc(32, 7).toString('base64');

  it('reads ACCESS_POSTGRES_URL, the token key and the introspection token, each wrong value in one line', () => {
    const config = parseEnv({ DATABASE_URL, ACCESS_POSTGRES_URL: 'postgres://admin:pw-123456@db:5432/postgres', FIREBREAK_ACCESS_TOKEN_KEY: key, FIREBREAK_INTROSPECTION_TOKEN: 'x'.repeat(16) });
    expect(config.accessPostgresUrl).toBe('postgres://admin:pw-123456@db:5432/postgres');
    expect(config.accessTokenKey?.key.length).toBe(32);
    expect(secretValues(config)).toEqual(expect.arrayContaining(['pw-123456', key, 'x'.repeat(16)]));
    const error = (env: Record<string, string>) => {
      try {
        parseEnv({ DATABASE_URL, ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      return undefined;
    };
    expect(error({ ACCESS_POSTGRES_URL: 'mysql://db' })).toBe('ACCESS_POSTGRES_URL: expected a postgres:// or postgresql:// URL, got "mysql://…"');
    expect(error({ FIREBREAK_ACCESS_TOKEN_KEY: 'c2hvcnQ=' })).toBe('FIREBREAK_ACCESS_TOKEN_KEY: expected 32 or more bytes in base64 (generate one with: openssl rand -base64 32)');
    expect(error({ FIREBREAK_INTROSPECTION_TOKEN: 'short' })).toMatch(/^FIREBREAK_INTROSPECTION_TOKEN: too short/);
  });

  it('signs tokens that verify only with their key and builds SCRAM verifiers, never plaintext', async () => {
    const k = new Uint8Array(32).fill(1);
    const { token, jti } = await issueAccessToken(k, { grant: 'GR-3', incident: 'INC-2', sub: 'alice', scope: ['read-logs'], expiresAt: new Date(Date.now() + 60_000) });
    expect(await verifyAccessToken(k, token)).toMatchObject({ sub: 'alice', scope: 'read-logs', grant: 'GR-3', incident: 'INC-2', jti });
    expect(await verifyAccessToken(new Uint8Array(32).fill(2), token)).toBeUndefined();
    const expired = await issueAccessToken(k, { grant: 'GR-3', incident: 'INC-2', sub: 'alice', scope: ['read-logs'], expiresAt: new Date(Date.now() - 1000) });
    expect(await verifyAccessToken(k, expired.token)).toBeUndefined();
    const verifier = scramVerifier('hunter2-password');
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(verifier).not.toContain('hunter2');
    expect(grantRoleName('GR-12')).toBe('firebreak_gr_12');
  });
});
