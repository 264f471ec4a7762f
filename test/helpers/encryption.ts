// The fixed key every test system encrypts its Temporal payloads with, so each workflow test runs
// with the codec on, as production does. Anything else that talks to those workflows (its own
// client, a worker in a child process, the CLI) must use the same key.

import { createHash } from 'node:crypto';
import { firebreakDataConverter, type CodecKey } from '../../platform/codec.js';
import { configureRedactionTokens } from '../../platform/redaction-key.js';

export const TEST_ENCRYPTION_KEY: CodecKey = { id: 'test-2024', key: createHash('sha256').update('firebreak test payload key').digest() };

/** FIREBREAK_ENCRYPTION_KEYS for processes the tests start. */
export const TEST_ENCRYPTION_KEYS_ENV = `${TEST_ENCRYPTION_KEY.id}:${Buffer.from(TEST_ENCRYPTION_KEY.key).toString('base64')}`;

export const testDataConverter = firebreakDataConverter([TEST_ENCRYPTION_KEY]);

// Redaction tokens keyed as a service holding this key would key them (platform/redaction-key.ts), so
// the tokens a CLI or worker in a child process prints match the ones written in this process.
configureRedactionTokens({ encryptionKeys: [{ id: TEST_ENCRYPTION_KEY.id, base64: Buffer.from(TEST_ENCRYPTION_KEY.key).toString('base64'), key: TEST_ENCRYPTION_KEY.key }] });
