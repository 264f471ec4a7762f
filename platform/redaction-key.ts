// The key behind per-incident redaction tokens (domain/redact.ts). Every process that writes an
// incident's texts (workers, HTTP servers, the CLI) must use the same key, or one customer's e-mail
// gets two tokens. FIREBREAK_REDACTION_KEY is that key; without it the key is derived from the
// payload encryption key that encrypts, which every process already shares (tokens then change
// when that key rotates); with neither, each process draws its own.

import { createHmac } from 'node:crypto';
import type { EncryptionKey } from './config/index.js';
import { setRedactionTokenKey } from '../domain/redact.js';

export type RedactionKeySource = 'FIREBREAK_REDACTION_KEY' | 'FIREBREAK_ENCRYPTION_KEYS' | 'per-process';

export function configureRedactionTokens(config: { redactionKey?: { key: Uint8Array }; encryptionKeys: readonly EncryptionKey[] }): RedactionKeySource {
  if (config.redactionKey) {
    setRedactionTokenKey(config.redactionKey.key);
    return 'FIREBREAK_REDACTION_KEY';
  }
  const encrypting = config.encryptionKeys[0];
  if (encrypting) {
    // A separate key by derivation: a token never reveals anything about the encryption key itself.
    setRedactionTokenKey(createHmac('sha256', encrypting.key).update('firebreak redaction tokens v1').digest());
    return 'FIREBREAK_ENCRYPTION_KEYS';
  }
  return 'per-process';
}
