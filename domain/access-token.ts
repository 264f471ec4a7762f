// What a Firebreak capability token says: who issued it, for whom, and the claims a verified token
// must carry. The activity that issues tokens and the introspection route that checks them share it.

export const ACCESS_TOKEN_ISSUER = 'firebreak';
export const ACCESS_TOKEN_AUDIENCE = 'firebreak-access';

export interface AccessTokenClaims {
  grant: string;
  incident: string;
  sub: string;
  scope: string[];
  expiresAt: Date;
}

export interface VerifiedAccessToken {
  sub: string;
  scope: string;
  grant: string;
  incident: string;
  exp: number;
  iat: number;
  jti: string;
  [claim: string]: unknown;
}

/** A signature-checked payload is only a token of ours if every claim Firebreak relies on is there. */
export function hasAccessTokenClaims(payload: Record<string, unknown>): payload is VerifiedAccessToken {
  return ['sub', 'scope', 'grant', 'incident', 'jti'].every((k) => typeof payload[k] === 'string') && typeof payload.exp === 'number';
}
