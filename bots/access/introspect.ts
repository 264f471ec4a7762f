// POST /access/introspect (RFC 7662): internal tools ask whether a Firebreak capability token is
// still good. The grant row decides, so an early revocation is honoured the moment it commits.

import type { IncomingMessage } from 'node:http';
import { verifyAccessToken } from '../../platform/access-token.js';
import type { Database } from '../../db/client.js';
import { getGrant } from '../../db/queries/grants.js';
import { bearerMatches } from '../../platform/http/bearer.js';
import { readText } from '../../platform/http/read-body.js';
import { sendJson, type Route } from '../../platform/http/server.js';

export interface AccessRouteContext {
  db: Database;
  tokenKey: Uint8Array;
  /** FIREBREAK_INTROSPECTION_TOKEN: when set, callers must present it as a bearer token. */
  introspectionToken?: string;
}

// A request is `token=<capability token>`: well under 1 KB.
const MAX_BODY_BYTES = 16 * 1024;

export function accessRoutes(ctx: AccessRouteContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/access/introspect',
      handler: async (req, res) => {
        if (ctx.introspectionToken && !bearerMatches(req, ctx.introspectionToken)) {
          res.setHeader('www-authenticate', 'Bearer realm="firebreak"');
          return sendJson(res, 401, { error: 'invalid_client' });
        }
        const token = await readToken(req);
        if (token === undefined) return sendJson(res, 400, { error: 'invalid_request', error_description: 'send token=… as a form or JSON body' });
        res.setHeader('cache-control', 'no-store');
        sendJson(res, 200, await introspect(ctx, token));
      },
    },
  ];
}

export async function introspect(ctx: Pick<AccessRouteContext, 'db' | 'tokenKey'>, token: string): Promise<Record<string, unknown>> {
  const claims = await verifyAccessToken(ctx.tokenKey, token);
  if (!claims) return { active: false };
  const grant = await getGrant(ctx.db, claims.grant);
  const now = Date.now();
  if (!grant || grant.status !== 'active' || !grant.expiresAt || grant.expiresAt.getTime() <= now || claims.exp * 1000 <= now) return { active: false };
  return {
    active: true,
    token_type: 'access_token',
    sub: claims.sub,
    scope: claims.scope,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    iss: claims.iss,
    incident: claims.incident,
    grant: claims.grant,
  };
}

async function readToken(req: IncomingMessage): Promise<string | undefined> {
  const body = await readText(req, MAX_BODY_BYTES);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    try {
      const parsed = JSON.parse(body) as { token?: unknown };
      return typeof parsed.token === 'string' && parsed.token ? parsed.token : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get('token') || undefined;
}
