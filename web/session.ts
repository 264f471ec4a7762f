// Dashboard sessions: an HMAC-signed, expiring cookie that says who signed in and how, carrying a
// per-session CSRF token for the forms. Nothing is stored server-side, so any replica can check it.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secretsEqual } from '../platform/secret-equal.js';

export const SESSION_COOKIE = 'firebreak_session';
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;

export interface Session {
  /** The policy person's name, or "token" for the shared dashboard token. */
  name: string;
  via: 'token' | 'slack';
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Echoed by every form the session posts. */
  csrf: string;
}

export interface SessionKeys {
  sign(data: string): Buffer;
}

/**
 * Key for session cookies: an explicit secret, or one derived from the sign-in secret so sessions
 * survive restarts and work across replicas, and end when that secret is rotated.
 */
export function sessionKeys(secret: string | Uint8Array): SessionKeys {
  const key = createHmac('sha256', 'firebreak-dashboard-session-v1').update(secret).digest();
  return { sign: (data) => createHmac('sha256', key).update(data).digest() };
}

/** Equal strings, in time that does not depend on where they differ (or on their lengths). */
export const constantTimeEqual = secretsEqual;

export function newSession(name: string, via: Session['via'], nowMs: number, ttlSeconds = DEFAULT_SESSION_TTL_SECONDS): Session {
  return { name, via, exp: Math.floor(nowMs / 1000) + ttlSeconds, csrf: randomBytes(18).toString('base64url') };
}

/** `base64url(JSON).base64url(HMAC)`: tamper-evident, not secret (the holder can read it). */
export function sealJson(keys: SessionKeys, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${body}.${keys.sign(body).toString('base64url')}`;
}

export function openJson(keys: SessionKeys, value: string | undefined): unknown {
  if (!value || value.length > 4096) return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = keys.sign(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function sealSession(keys: SessionKeys, session: Session): string {
  return sealJson(keys, session);
}

/** The session in a cookie value, or undefined when it is forged, malformed or expired. */
export function openSession(keys: SessionKeys, value: string | undefined, nowMs: number): Session | undefined {
  const s = openJson(keys, value) as Partial<Session> | undefined;
  if (!s || typeof s !== 'object') return undefined;
  if (typeof s.name !== 'string' || (s.via !== 'token' && s.via !== 'slack') || typeof s.exp !== 'number' || typeof s.csrf !== 'string') return undefined;
  if (s.exp * 1000 <= nowMs) return undefined;
  return { name: s.name, via: s.via, exp: s.exp, csrf: s.csrf };
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax';
  path?: string;
}

export function cookieHeader(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path ?? '/'}`, `Max-Age=${o.maxAgeSeconds}`, 'HttpOnly', `SameSite=${o.sameSite ?? 'Strict'}`];
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
