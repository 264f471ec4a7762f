// Why a connection to DATABASE_URL failed, as one line a person can act on: which server, and
// whether it was unreachable, refused the login, or has no such database. The password never
// appears, whatever the driver's own message says.

import { ConfigError } from '../platform/config/index.js';

/** A database that cannot be reached or refuses the login: a configuration error, in one line. */
export class DatabaseUnavailableError extends ConfigError {
  override name = 'DatabaseUnavailableError';
}

interface DriverError {
  code?: string;
  message?: string;
  errors?: DriverError[];
  /** drizzle wraps the driver's error in a "Failed query" error of its own. */
  cause?: unknown;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

// PostgreSQL SQLSTATEs a login can fail with.
const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';
const NO_SUCH_DATABASE = '3D000';
const CANNOT_CONNECT_NOW = '57P03';
const TOO_MANY_CONNECTIONS = '53300';

function scrub(text: string, url: URL): string {
  const secrets = [url.password, safeDecode(url.password)].filter((s) => s.length > 0);
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The reason in a few words, or undefined when `err` is not a connection or login failure. */
function reason(err: DriverError, url: URL): string | undefined {
  const where = `${url.hostname}:${url.port || '5432'}`;
  const user = safeDecode(url.username) || 'postgres';
  const database = safeDecode(url.pathname.slice(1)) || user;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const code = err.code ?? err.errors?.[0]?.code;
  const message = err.message ?? '';
  if (code && NETWORK[code]) return `cannot connect to ${where} (${NETWORK[code]})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot connect to ${where} (no such host)`;
  if (/timeout/i.test(message) && /connect/i.test(message)) return `cannot connect to ${where} (timed out)`;
  if (/^Connection terminated/i.test(message)) return `cannot connect to ${where} (the server closed the connection)`;
  if (code === INVALID_PASSWORD) return `${where} refused the login of user "${user}" (wrong password)`;
  if (code === INVALID_AUTHORIZATION) return `${where} refused the login of user "${user}" (${scrub(message, url)})`;
  if (/client password must be a string/i.test(message)) return `${where} asks user "${user}" for a password and the URL has none`;
  if (code === NO_SUCH_DATABASE) return `${where} has no database "${database}"; create it${createdb(url, user, database)}, or fix the name`;
  if (code === CANNOT_CONNECT_NOW) return `${where} is not accepting connections yet (starting up or shutting down)`;
  if (code === TOO_MANY_CONNECTIONS) return `${where} has no connection slots left`;
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
  if (!sqlState && /SSL|TLS|certificate/i.test(message)) return `cannot connect to ${where} (${scrub(message, url)})`;
  return undefined;
}

/** How to create the missing database, when its name and the login need no quoting in a shell. */
function createdb(url: URL, user: string, database: string): string {
  const plain = /^[A-Za-z0-9_.-]+$/;
  if (![url.hostname, user, database].every((part) => plain.test(part))) return '';
  return ` (createdb -h ${url.hostname} -p ${url.port || '5432'} -U ${user} ${database})`;
}

/**
 * `err` as a `DatabaseUnavailableError` naming DATABASE_URL (or `variable`) when it is a failure to
 * reach the server or log in; otherwise `err` unchanged, for the caller to rethrow.
 */
export function explainDatabaseFailure(err: unknown, databaseUrl: string, variable = 'DATABASE_URL'): unknown {
  if (err === null || typeof err !== 'object') return err;
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return err;
  }
  for (const layer of causes(err)) {
    const why = reason(layer, url);
    if (why !== undefined) return new DatabaseUnavailableError(`${variable}: ${why}`);
  }
  return err;
}

/** The error and the errors it wraps, outermost first. */
function* causes(err: unknown): Generator<DriverError> {
  let layer = err;
  for (let depth = 0; depth < 4 && layer !== null && typeof layer === 'object'; depth += 1) {
    yield layer as DriverError;
    layer = (layer as DriverError).cause;
  }
}
