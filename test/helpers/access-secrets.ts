// Reading secrets out of what the front-ends sent, and reading workflow histories as text, so tests
// can say exactly where a credential went and where it never did.

import type { temporal } from '@temporalio/proto';

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
 * no string search finds anything; here they are decoded first.
 */
export function historyText(history: temporal.api.history.v1.IHistory): string {
  // A Buffer has already become `{ type: 'Buffer', data: [...] }` (its toJSON) when the replacer sees it.
  const bytes = (value: unknown): value is { type: 'Buffer'; data: number[] } =>
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
  // fetchHistory gives payload bytes as base64 strings under `data`.
  return JSON.stringify(history, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return bytes(value) ? Buffer.from(value.data).toString('utf8') : value;
  });
}
