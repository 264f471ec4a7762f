// `Authorization: Bearer …` on the endpoints that take a shared token (introspection, codec,
// dashboard), checked in one way everywhere.

import type { IncomingMessage } from 'node:http';
import { secretsEqual } from '../secret-equal.js';

/** The token of an `Authorization: Bearer <token>` header, or undefined without one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  return token || undefined;
}

/** The request presents `expected` as its bearer token; compared in constant time. */
export function bearerMatches(req: IncomingMessage, expected: string): boolean {
  const given = bearerToken(req);
  // Still compare when there is no token, so a missing header costs the same as a wrong one.
  return secretsEqual(given ?? '', expected) && given !== undefined && expected.length > 0;
}
