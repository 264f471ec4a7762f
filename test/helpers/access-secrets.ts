// Reading secrets out of what the front-ends sent, and reading workflow histories as text, so tests
// can say exactly where a credential went and where it never did.

import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decryptPayload, isEncrypted } from '../../platform/codec.js';
import { TEST_ENCRYPTION_KEY } from './encryption.js';

/** The credentials a Slack DM carries as `*key*: \`value\`` lines (Block Kit JSON or plain text). */
export function secretsIn(text: string): { username: string; password: string; url: string } {
  const field = (key: string) => {
    const m = new RegExp(`\\*${key}\\*: \`([^\`]+)\``).exec(text);
    if (!m) throw new Error(`no ${key} in the message`);
    return m[1]!;
  };
  return { username: field('username'), password: field('password'), url: field('url') };
}

/**
 * A history as searchable text. Payloads travel as bytes (base64 in fetchHistory's answer), where
 * no string search finds anything; here they are decoded first. Encrypted payloads are decrypted
 * with the test key unless `decrypt` is false, so "the secret never reached the history" means the
 * plaintext before encryption, not just what the server stores.
 */
export function historyText(history: temporal.api.history.v1.IHistory, { decrypt = true } = {}): string {
  // A Buffer has already become `{ type: 'Buffer', data: [...] }` (its toJSON) when the replacer sees it.
  const bytes = (value: unknown): value is { type: 'Buffer'; data: number[] } =>
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
  // fetchHistory gives payload bytes as base64 strings under `data`.
  return JSON.stringify(history, (key, value: unknown) => {
    const sealed = decrypt ? encryptedPayload(value) : undefined;
    if (sealed) return decryptPayload([TEST_ENCRYPTION_KEY], sealed);
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return bytes(value) ? Buffer.from(value.data).toString('utf8') : value;
  });
}

/** A payload as the replacer sees it (proto toJSON: base64 strings) back in bytes, if it is encrypted. */
function encryptedPayload(value: unknown): Payload | undefined {
  if (typeof value !== 'object' || value === null || !('metadata' in value) || !('data' in value)) return undefined;
  const bytes = (v: unknown): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'base64') : v instanceof Uint8Array ? v : new Uint8Array());
  const { metadata, data } = value as { metadata?: Record<string, unknown> | null; data?: unknown };
  const payload: Payload = { metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, bytes(v)])), data: bytes(data) };
  return isEncrypted(payload) ? payload : undefined;
}
