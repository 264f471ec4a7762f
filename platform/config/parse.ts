// The small readers every part of the configuration is built from. Each one treats blank as unset
// and turns a bad value into one line naming the variable, without echoing a secret it may hold.

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function fail(name: string, problem: string): never {
  throw new ConfigError(`${name}: ${problem}`);
}

/** Unset and blank are the same: `.env` files often hold `NAME=`. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** What a bad URL looked like without repeating credentials it may hold. */
function urlShape(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  return scheme ? `"${scheme[1]}://…"` : 'something that is not a URL';
}

export function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const expected = `expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, `${expected}, got ${urlShape(value)}`);
  }
  if (!protocols.includes(url.protocol)) fail(name, `${expected}, got ${urlShape(value)}`);
  return value;
}

export const HTTP = ['https:', 'http:'] as const;
export const POSTGRES = ['postgres:', 'postgresql:'] as const;

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = read(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) fail(name, `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

export function isHostPort(value: string): boolean {
  const m = HOST_PORT.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

export function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
