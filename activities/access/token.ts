// Signed capability tokens: short-lived JWTs naming the grant, its incident and capabilities.
// Internal tools ask POST /access/introspect, which also checks the grant row, so a revoked grant's
// token stops working at once even though the JWT itself would still verify.

import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

const ISSUER = 'firebreak';
const AUDIENCE = 'firebreak-access';

/**
 * FIREBREAK_ACCESS_TOKEN_KEY when set. Without it each process derives a random key: tokens then
 * verify only in the process that issued them (the worker and HTTP server share one in `npm start`)
 * and die on restart, which is acceptable in development and wrong in production.
 */
export function accessTokenKey(configured?: Uint8Array): Uint8Array {
  return configured ?? new Uint8Array(randomBytes(32));
}

export interface AccessTokenClaims {
  grant: string;
  incident: string;
  sub: string;
  scope: string[];
  expiresAt: Date;
}

export interface VerifiedAccessToken extends JWTPayload {
  sub: string;
  scope: string;
  grant: string;
  incident: string;
  exp: number;
  iat: number;
  jti: string;
}

export async function issueAccessToken(key: Uint8Array, claims: AccessTokenClaims): Promise<{ token: string; jti: string }> {
  const jti = `${claims.grant}.${randomUUID()}`;
  const token = await new SignJWT({ scope: claims.scope.join(' '), grant: claims.grant, incident: claims.incident })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.sub)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(key);
  return { token, jti };
}

/** The token's claims when its signature, issuer, audience and expiry hold; otherwise undefined. */
export async function verifyAccessToken(key: Uint8Array, token: string): Promise<VerifiedAccessToken | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const ok = ['sub', 'scope', 'grant', 'incident', 'jti'].every((k) => typeof payload[k] === 'string') && typeof payload.exp === 'number';
    return ok ? (payload as VerifiedAccessToken) : undefined;
  } catch {
    return undefined;
  }
}
