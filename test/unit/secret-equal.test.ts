// Shared tokens (introspection, codec, dashboard) are compared without revealing where a guess
// differs or how long the secret is. Timing is never measured here: `timingSafeEqual` is watched
// instead, and every comparison must reach it with two 32-byte digests, whatever was presented.

import type * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const compared = vi.hoisted(() => ({ lengths: [] as Array<[number, number]> }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.lengths.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { secretsEqual } = await import('../../platform/secret-equal.js');
const { bearerMatches, bearerToken } = await import('../../platform/http/bearer.js');
const { accessRoutes } = await import('../../bots/access/introspect.js');
const { codecRoutes } = await import('../../bots/codec-server.js');
const { constantTimeEqual } = await import('../../web/session.js');

const SECRET = 'introspection-token-0123456789abcdef';

function request(authorization?: string): IncomingMessage {
  return { method: 'POST', url: '/', headers: authorization === undefined ? {} : { authorization } } as unknown as IncomingMessage;
}

function response(): ServerResponse & { status?: number } {
  const res = {
    status: undefined as number | undefined,
    headersSent: false,
    setHeader: () => res,
    writeHead(status: number) {
      res.status = status;
      res.headersSent = true;
      return res;
    },
    end: () => res,
  };
  return res as unknown as ServerResponse & { status?: number };
}

beforeEach(() => {
  compared.lengths.length = 0;
});

describe('secretsEqual', () => {
  it('is string equality', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => secretsEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => secretsEqual(a, a)));
    expect(constantTimeEqual).toBe(secretsEqual);
  });

  it('compares equal-length digests whatever the lengths of what is compared', () => {
    for (const guess of ['', 'i', SECRET.slice(0, 10), SECRET, `${SECRET}x`, 'x'.repeat(10_000)]) secretsEqual(guess, SECRET);
    expect(compared.lengths).toEqual(Array.from({ length: 6 }, () => [32, 32]));
  });
});

describe('bearer tokens', () => {
  it('reads the token of an Authorization: Bearer header and nothing else', () => {
    expect(bearerToken(request(`Bearer ${SECRET}`))).toBe(SECRET);
    expect(bearerToken(request(`bearer   ${SECRET} `))).toBe(SECRET);
    expect(bearerToken(request(`Basic ${SECRET}`))).toBeUndefined();
    expect(bearerToken(request('Bearer '))).toBeUndefined();
    expect(bearerToken(request())).toBeUndefined();
  });

  it('matches only the exact token, and compares even when there is none', () => {
    expect(bearerMatches(request(`Bearer ${SECRET}`), SECRET)).toBe(true);
    expect(bearerMatches(request(`Bearer ${SECRET}x`), SECRET)).toBe(false);
    expect(bearerMatches(request(), SECRET)).toBe(false);
    expect(bearerMatches(request('Bearer '), '')).toBe(false);
    expect(compared.lengths.every(([a, b]) => a === 32 && b === 32)).toBe(true);
    expect(compared.lengths).toHaveLength(4);
  });

  const guesses = ['x', SECRET.slice(0, -1), `${SECRET.slice(0, -1)}?`, `${SECRET}${SECRET}`];

  it('POST /access/introspect refuses wrong tokens of every length through the same comparison', async () => {
    const [route] = accessRoutes({ db: undefined as never, tokenKey: new Uint8Array(32), introspectionToken: SECRET });
    for (const guess of guesses) {
      const res = response();
      await route!.handler(request(`Bearer ${guess}`), res);
      expect(res.status).toBe(401);
    }
    expect(compared.lengths).toEqual(guesses.map(() => [32, 32]));
  });

  it('POST /codec/decode does the same', async () => {
    const routes = codecRoutes({ codec: { enabled: true } as never, token: SECRET, origins: [] });
    const decode = routes.find((r) => r.method === 'POST' && r.path === '/codec/decode')!;
    for (const guess of guesses) {
      const res = response();
      await decode.handler(request(`Bearer ${guess}`), res);
      expect(res.status).toBe(401);
    }
    expect(compared.lengths).toEqual(guesses.map(() => [32, 32]));
  });
});
