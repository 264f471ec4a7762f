// The part of the environment the `firebreak` CLI uses, read by the same readers as the service so
// a variable means the same thing, and fails the same way, in both.

import { parseEncryptionKeys, parseRedactionKey, type Base64Key, type EncryptionKey } from './keys.js';
import { read, type Env } from './parse.js';
import { readDatabaseUrlOrDefault } from './service.js';
import { readDevServerPorts, readTemporalTarget, type TemporalTarget } from './temporal.js';


export interface CliConfig {
  temporal: Required<TemporalTarget>;
  /** The service's payload keys: without them the CLI could not read an incident. */
  encryptionKeys: EncryptionKey[];
  /** The service's redaction key, so the CLI prints the same tokens. */
  redactionKey?: Base64Key;
  /**
   * For `audit verify` and the action-item commands, which read Postgres directly: DATABASE_URL, or
   * (outside NODE_ENV=production) the development database `npm start` uses.
   */
  databaseUrl?: string;
  /** True when DATABASE_URL is unset and databaseUrl is the development default. */
  databaseUrlDefaulted: boolean;
  /** FIREBREAK_CONFIG as set; unset, the CLI looks for the policy file (bots/cli/policy-file.ts). */
  policyPath?: string;
  /** FIREBREAK_USER: who runs the command; unset, the login name. */
  user?: string;
  /** FIREBREAK_IDEMPOTENCY_KEY, as written: the CLI checks it as it checks --idempotency-key. */
  idempotencyKey?: string;
}

/** Reads and checks what the CLI needs; throws `ConfigError` on the first problem. */
export function loadCliConfig(env: Env): CliConfig {
  const redactionKey = parseRedactionKey(env);
  const encryptionKeys = parseEncryptionKeys(env);
  const temporal = readTemporalTarget(env);
  const database = readDatabaseUrlOrDefault(env);
  return {
    // TEMPORAL_ADDRESS unset: the embedded dev server of `npm start`, on its port.
    temporal: { ...temporal, address: temporal.address ?? `127.0.0.1:${readDevServerPorts(env).port}` },
    encryptionKeys,
    redactionKey,
    databaseUrl: database.url,
    databaseUrlDefaulted: database.defaulted,
    policyPath: read(env, 'FIREBREAK_CONFIG'),
    user: read(env, 'FIREBREAK_USER'),
    idempotencyKey: env.FIREBREAK_IDEMPOTENCY_KEY,
  };
}
