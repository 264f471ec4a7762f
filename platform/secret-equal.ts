// Comparing a presented secret (bearer token, CSRF token, OIDC state) with the expected one.

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when both strings are equal, in time that depends neither on where they differ nor on
 * their lengths: both sides are hashed to 32 bytes first, so `timingSafeEqual` always compares
 * equal-length buffers and a short guess learns nothing about the secret's length.
 */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
