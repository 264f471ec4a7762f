// The Postgres servers incidents act on: access grants create login roles on one, sandboxes are
// cloned onto another; and the tokens that guard the grants.

import { readAccessTokenKey, type Base64Key } from './keys.js';
import { POSTGRES, fail, read, readUrl, type Env } from './parse.js';

export interface AccessConfig {
  /** Admin URL of the PostgreSQL server that access grants create roles on. */
  accessPostgresUrl?: string;
  /** Signs capability tokens; without it each process derives its own (development only). */
  accessTokenKey?: Base64Key;
  /** Bearer token internal tools present to POST /access/introspect. */
  introspectionToken?: string;
}

export interface SandboxConfig {
  /** Admin URL of the Postgres server sandboxes are created on. */
  sandboxAdminUrl?: string;
  /** Keys every sandbox mask (with the seed); required with SANDBOX_ADMIN_URL. */
  sandboxSecret?: string;
}

export function readAccess(env: Env): AccessConfig {
  const accessTokenKey = readAccessTokenKey(env);
  const introspectionToken = read(env, 'FIREBREAK_INTROSPECTION_TOKEN');
  if (introspectionToken !== undefined && introspectionToken.length < 16) {
    fail('FIREBREAK_INTROSPECTION_TOKEN', `too short (${introspectionToken.length} characters); use 16 or more, e.g. openssl rand -hex 16`);
  }
  return { accessPostgresUrl: readUrl(env, 'ACCESS_POSTGRES_URL', POSTGRES), accessTokenKey, introspectionToken };
}

export function readSandbox(env: Env): SandboxConfig {
  const sandboxAdminUrl = readUrl(env, 'SANDBOX_ADMIN_URL', POSTGRES);
  const sandboxSecret = read(env, 'FIREBREAK_SANDBOX_SECRET');
  // Without a stable secret a recreated sandbox would mask differently and its hash would not match.
  if (sandboxAdminUrl && sandboxSecret === undefined) {
    fail('FIREBREAK_SANDBOX_SECRET', 'missing; SANDBOX_ADMIN_URL needs it to key the masks, e.g. openssl rand -hex 32');
  }
  if (sandboxSecret !== undefined && sandboxSecret.length < 16) {
    fail('FIREBREAK_SANDBOX_SECRET', `too short (${sandboxSecret.length} characters); use 16 or more, e.g. openssl rand -hex 32`);
  }
  return { sandboxAdminUrl, sandboxSecret };
}
