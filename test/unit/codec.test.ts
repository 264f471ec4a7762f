import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../platform/config/index.js';
import { ENCRYPTED_ENCODING, EncryptionCodec, firebreakDataConverter, KEY_ID_METADATA, PayloadDecryptionError, type CodecKey } from '../../platform/codec.js';

const { temporal } = proto;

const utf8 = new TextDecoder();
const oldKey: CodecKey = { id: 'k2024', key: randomBytes(32) };
const newKey: CodecKey = { id: 'k2025', key: randomBytes(32) };
const incident = { title: 'Checkout returns 502 for Zelda Quartermain', reporter: { id: 'U0ZELDA', name: 'zelda' } };

const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const value = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const meta = (payload: Payload, key: string) => utf8.decode(payload.metadata![key]!);

describe('EncryptionCodec', () => {
  it('round-trips payloads, metadata included, without leaving plaintext in the sealed form', async () => {
    const codec = new EncryptionCodec([oldKey]);
    const payloads = [plain(incident), plain(null), plain(new Uint8Array([1, 2, 3])), plain('')];
    const sealed = await codec.encode(payloads);
    for (const p of sealed) {
      expect(meta(p, 'encoding')).toBe(ENCRYPTED_ENCODING);
      expect(meta(p, KEY_ID_METADATA)).toBe('k2024');
      expect(Object.keys(p.metadata!)).toEqual(['encoding', KEY_ID_METADATA]);
    }
    const bytes = Buffer.from(sealed[0]!.data!).toString('latin1');
    expect(bytes).not.toContain('Zelda');
    expect(bytes).not.toContain('json/plain');
    const opened = await codec.decode(sealed);
    expect(opened.map(value)).toEqual([incident, null, new Uint8Array([1, 2, 3]), '']);
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new EncryptionCodec([oldKey]);
    const [a, b] = await codec.encode([plain(incident), plain(incident)]);
    expect(Buffer.from(a!.data!).subarray(0, 12)).not.toEqual(Buffer.from(b!.data!).subarray(0, 12));
    expect(Buffer.from(a!.data!)).not.toEqual(Buffer.from(b!.data!));
  });

  it('decrypts with an old key after rotation and encrypts with the new first key', async () => {
    const before = new EncryptionCodec([oldKey]);
    const after = new EncryptionCodec([newKey, oldKey]);
    const sealedBefore = await before.encode([plain(incident)]);
    expect((await after.decode(sealedBefore)).map(value)).toEqual([incident]);
    const sealedAfter = await after.encode([plain(incident)]);
    expect(meta(sealedAfter[0]!, KEY_ID_METADATA)).toBe('k2025');
    await expect(before.decode(sealedAfter)).rejects.toThrow(PayloadDecryptionError);
  });

  it('names the missing key ID, and never the key, when a payload was sealed with a key it lacks', async () => {
    const sealed = await new EncryptionCodec([oldKey]).encode([plain(incident)]);
    const failure = (await new EncryptionCodec([newKey]).decode(sealed).catch((e: unknown) => e)) as Error;
    expect(failure).toBeInstanceOf(PayloadDecryptionError);
    expect(failure.message).toBe('A payload is encrypted with key "k2024", which FIREBREAK_ENCRYPTION_KEYS does not hold; add that key back (after the current one) to read it.');
    for (const k of [oldKey, newKey]) expect(failure.message).not.toContain(Buffer.from(k.key).toString('base64'));
    await expect(new EncryptionCodec([]).decode(sealed)).rejects.toThrow('A payload is encrypted with key "k2024" but FIREBREAK_ENCRYPTION_KEYS is not set');
  });

  it('refuses a payload whose ciphertext, IV, tag or key ID was changed', async () => {
    const codec = new EncryptionCodec([oldKey, { id: 'other', key: oldKey.key }]);
    const [sealed] = await codec.encode([plain(incident)]);
    const flip = (at: number): Payload => {
      const data = Buffer.from(sealed!.data!);
      data[at] = data[at]! ^ 1;
      return { metadata: sealed!.metadata, data };
    };
    const length = sealed!.data!.length;
    for (const at of [0, 11, 12, length - 17, length - 1]) {
      await expect(codec.decode([flip(at)])).rejects.toThrow('A payload encrypted with key "k2024" failed authentication');
    }
    // Same key bytes under another ID: the ID is bound in as associated data.
    const relabelled = { metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('other') }, data: sealed!.data };
    await expect(codec.decode([relabelled])).rejects.toThrow('failed authentication');
    await expect(codec.decode([{ metadata: sealed!.metadata, data: sealed!.data!.subarray(0, 20) }])).rejects.toThrow('is truncated');
  });

  it('passes payloads without the encrypted encoding through on decode (histories from before encryption)', async () => {
    const payloads = [plain(incident), plain(undefined), { metadata: {}, data: new Uint8Array([7]) }];
    expect(await new EncryptionCodec([oldKey]).decode(payloads)).toEqual(payloads);
  });

  it('with no keys passes payloads through on encode', async () => {
    const payloads = [plain(incident)];
    expect(await new EncryptionCodec([]).encode(payloads)).toBe(payloads);
  });

  it('takes its keys from FIREBREAK_ENCRYPTION_KEYS, first key encrypting', async () => {
    const b64 = (k: CodecKey) => Buffer.from(k.key).toString('base64');
    const config = parseEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/x', FIREBREAK_ENCRYPTION_KEYS: `k2025:${b64(newKey)}, k2024:${b64(oldKey)}` });
    const codec = new EncryptionCodec(config.encryptionKeys);
    const [sealed] = await codec.encode([plain(incident)]);
    expect(meta(sealed!, KEY_ID_METADATA)).toBe('k2025');
    expect((await new EncryptionCodec([newKey]).decode([sealed!])).map(value)).toEqual([incident]);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => new EncryptionCodec([{ id: 'short', key: randomBytes(16) }])).toThrow('Encryption key "short" must be 32 bytes, not 16.');
  });
});

describe('failures', () => {
  it('carry their message and stack only inside an encrypted payload, and read back whole with the key', async () => {
    const converter = loadDataConverter(firebreakDataConverter([newKey]));
    const secret = 'Refused: INC-7 "Checkout fails for jane@customer.example"';
    const failure = await encodeErrorToFailure(converter, ApplicationFailure.create({ message: secret, type: 'Refused', nonRetryable: true }));
    const stored = JSON.stringify(temporal.api.failure.v1.Failure.toObject(temporal.api.failure.v1.Failure.create(failure), { bytes: String }));
    expect(stored).not.toContain('jane@customer.example');
    expect(stored).not.toContain('Checkout fails');
    expect(failure.message).toBe('Encoded failure');
    expect(failure.encodedAttributes?.metadata?.encoding && Buffer.from(failure.encodedAttributes.metadata.encoding).toString()).toBe('binary/encrypted');
    const back = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(back).toBeInstanceOf(ApplicationFailure);
    expect(back?.message).toBe(secret);
    expect((back as ApplicationFailure).type).toBe('Refused');
  });
});
