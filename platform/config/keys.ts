// Key material given in base64: the payload encryption keys, the redaction-token key and the key
// that signs access capability tokens.

import { decodeBase64, fail, read, type Env } from './parse.js';

export interface EncryptionKey {
  id: string;
  /** The key as written in the environment, kept for log redaction. */
  base64: string;
  key: Uint8Array;
}

/** A secret key with the text it was given as, kept for log redaction. */
export interface Base64Key {
  base64: string;
  key: Uint8Array;
}

/** FIREBREAK_ENCRYPTION_KEYS alone, for tools (the CLI) that need nothing else from the environment. */
export function parseEncryptionKeys(env: Env): EncryptionKey[] {
  const name = 'FIREBREAK_ENCRYPTION_KEYS';
  const value = read(env, name);
  if (value === undefined) return [];
  const keys: EncryptionKey[] = [];
  for (const [i, entry] of value.split(',').entries()) {
    const [id = '', base64 = '', ...extra] = entry.trim().split(':');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id) || extra.length > 0) {
      fail(name, `expected keyId:base64key[,keyId:base64key…]; entry ${i + 1} has no valid key ID before ":"`);
    }
    if (keys.some((k) => k.id === id)) fail(name, `key ID "${id}" appears twice; each key needs its own ID`);
    const key = decodeBase64(base64);
    if (key?.length !== 32) fail(name, `key "${id}" must be 32 bytes in base64 (generate one with: openssl rand -base64 32)`);
    keys.push({ id, base64, key });
  }
  return keys;
}

/** FIREBREAK_REDACTION_KEY alone, for the CLI as for the service: base64, 16 bytes or more. */
export function parseRedactionKey(env: Env): Base64Key | undefined {
  const value = read(env, 'FIREBREAK_REDACTION_KEY');
  if (value === undefined) return undefined;
  const key = decodeBase64(value);
  if (key === undefined || key.length < 16) fail('FIREBREAK_REDACTION_KEY', 'expected 16 or more bytes in base64 (generate one with: openssl rand -base64 32)');
  return { base64: value, key };
}

/** FIREBREAK_ACCESS_TOKEN_KEY: base64, 32 bytes or more. */
export function readAccessTokenKey(env: Env): Base64Key | undefined {
  const rawKey = read(env, 'FIREBREAK_ACCESS_TOKEN_KEY');
  const key = rawKey === undefined ? undefined : decodeBase64(rawKey);
  if (rawKey !== undefined && (key === undefined || key.length < 32)) {
    fail('FIREBREAK_ACCESS_TOKEN_KEY', 'expected 32 or more bytes in base64 (generate one with: openssl rand -base64 32)');
  }
  return key && rawKey ? { base64: rawKey, key } : undefined;
}
