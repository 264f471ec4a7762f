// Signed capability tokens: short-lived JWTs naming the grant, its incident and capabilities.
// Internal tools ask POST /access/introspect, which also checks the grant row, so a revoked grant's
// token stops working at once even though the JWT itself would still verify (platform/access-token.ts).

import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type AccessTokenClaims } from '../../domain/access-token.js';

export async function issueAccessToken(key: Uint8Array, claims: AccessTokenClaims): Promise<{ token: string; jti: string }> {
  const jti = `${claims.grant}.${randomUUID()}`;
  const token = await new SignJWT({ scope: claims.scope.join(' '), grant: claims.grant, incident: claims.incident })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(claims.sub)
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(key);
  return { token, jti };
}
