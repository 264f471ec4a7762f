// The part of the environment the `firebreak` CLI uses, read by the same readers as the service so
// a variable means the same thing, and fails the same way, in both.

import { parseEncryptionKeys, parseRedactionKey, type Base64Key, type EncryptionKey } from './keys.js';
import { read, type Env } from './parse.js';
import { readDatabaseUrl, readPolicyPath } from './service.js';
import { readTemporalTarget, type TemporalTarget } from './temporal.js';

/** Where the CLI looks for Temporal when TEMPORAL_ADDRESS is unset: the embedded dev server of `npm start`. */
const LOCAL_TEMPORAL = '127.0.0.1:7233';

export interface CliConfig {
  temporal: Required<TemporalTarget>;
  /** The service's payload keys: without them the CLI could not read an incident. */
  encryptionKeys: EncryptionKey[];
  /** The service's redaction key, so the CLI prints the same tokens. */
  redactionKey?: Base64Key;
  /** For `audit verify` and the action-item commands, which read Postgres directly. */
  databaseUrl?: string;
  policyPath: string;
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
  return {
    temporal: { ...temporal, address: temporal.address ?? LOCAL_TEMPORAL },
    encryptionKeys,
    redactionKey,
    databaseUrl: readDatabaseUrl(env),
    policyPath: readPolicyPath(env),
    user: read(env, 'FIREBREAK_USER'),
    idempotencyKey: env.FIREBREAK_IDEMPOTENCY_KEY,
  };
}
