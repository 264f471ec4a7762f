// The key capability tokens are signed with, and the check of a token's signature, issuer, audience
// and expiry. Activities issue tokens (activities/access/token.ts); the introspection route checks them.

import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, hasAccessTokenClaims, type VerifiedAccessToken } from '../domain/access-token.js';

/**
 * FIREBREAK_ACCESS_TOKEN_KEY when set. Without it each process derives a random key: tokens then
 * verify only in the process that issued them (the worker and HTTP server share one in `npm start`)
 * and die on restart, which is acceptable in development and wrong in production.
 */
export function accessTokenKey(configured?: Uint8Array): Uint8Array {
  return configured ?? new Uint8Array(randomBytes(32));
}

/** The token's claims when its signature, issuer, audience and expiry hold; otherwise undefined. */
export async function verifyAccessToken(key: Uint8Array, token: string): Promise<VerifiedAccessToken | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE, algorithms: ['HS256'] });
    return hasAccessTokenClaims(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}
