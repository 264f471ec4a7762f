// Payload encryption (DESIGN.md §5): every payload the worker, the bots and the CLI hand to Temporal
// is sealed with AES-256-GCM, so the server stores no plaintext incident data. Workflow code never
// sees this module; the SDK runs codecs outside the workflow sandbox.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

// A CommonJS module whose named exports Node cannot see; the default import is its module.exports.
const { temporal } = proto;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const utf8 = new TextDecoder();

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/** A payload the codec cannot open: wrong or missing key, or bytes changed since encryption. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && utf8.decode(encoding) === ENCRYPTED_ENCODING;
}

/** Seals a whole payload (metadata and data) under `key`; the key ID is bound in as associated data. */
export function encryptPayload(key: CodecKey, payload: Payload): Payload {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(text.encode(key.id));
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text.encode(key.id) },
    data: sealed,
  };
}

/**
 * Opens a payload sealed by `encryptPayload` with whichever key its metadata names. Payloads without
 * the encrypted encoding pass through: histories written before encryption was on must still load.
 */
export function decryptPayload(keys: readonly CodecKey[], payload: Payload): Payload {
  if (!isEncrypted(payload)) return payload;
  const rawId = payload.metadata?.[KEY_ID_METADATA];
  if (!rawId) throw new PayloadDecryptionError(`An encrypted payload carries no ${KEY_ID_METADATA}; it was not written by Firebreak's codec.`);
  const id = utf8.decode(rawId);
  const key = keys.find((k) => k.id === id);
  if (!key) {
    throw new PayloadDecryptionError(
      keys.length === 0
        ? `A payload is encrypted with key "${id}" but FIREBREAK_ENCRYPTION_KEYS is not set; set it with that key to read it.`
        : `A payload is encrypted with key "${id}", which FIREBREAK_ENCRYPTION_KEYS does not hold; add that key back (after the current one) to read it.`,
    );
  }
  const data = payload.data ?? new Uint8Array();
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`A payload encrypted with key "${id}" is truncated.`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
  decipher.setAAD(text.encode(id));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(`A payload encrypted with key "${id}" failed authentication: it was changed, or that key ID now names a different key.`);
  }
  const decoded = temporal.api.common.v1.Payload.decode(plain);
  return { metadata: decoded.metadata, data: decoded.data };
}

/**
 * The first key encrypts; every key decrypts, so rotation prepends a new key and keeps the old ones
 * until no open history needs them. With no keys, payloads go out as they are.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #keys: readonly CodecKey[];

  constructor(keys: readonly CodecKey[]) {
    for (const k of keys) if (k.key.length !== 32) throw new RangeError(`Encryption key "${k.id}" must be 32 bytes, not ${k.key.length}.`);
    this.#keys = [...keys];
  }

  get enabled(): boolean {
    return this.#keys.length > 0;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.#keys[0];
    return key ? payloads.map((p) => encryptPayload(key, p)) : payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => decryptPayload(this.#keys, p));
  }
}

/** The data converter every Firebreak Temporal client and worker is made with. */
/** platform/failure-converter.cjs: failure messages become payloads, which the codec then encrypts. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

export function firebreakDataConverter(keys: readonly CodecKey[] | EncryptionCodec): DataConverter {
  return { payloadCodecs: [keys instanceof EncryptionCodec ? keys : new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
