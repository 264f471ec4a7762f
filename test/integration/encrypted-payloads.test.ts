import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { codecRoutes } from '../../bots/codec-server.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { declareIncident, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import { EncryptionCodec } from '../../platform/codec.js';
import { createLogger } from '../../platform/logger.js';
import * as msg from '../../workflows/incident/messages.js';
import { historyText } from '../helpers/access-secrets.js';
import { TEST_ENCRYPTION_KEY } from '../helpers/encryption.js';
import { loadTestPolicy, startTestSystem, type TestSystem } from '../helpers/system.js';

// The Temporal server must hold no plaintext incident data: histories are read here straight from
// the server by a client without the codec, as anyone with access to the cluster could.

const TOKEN = 'codec-test-token-0123456789';
const UI = 'http://localhost:8233';
const marker = randomUUID().slice(0, 8);
const title = `Quetzal ledger drift ${marker}`;
const note = `Zanzibar replica lag noted ${marker}`;
const zelda = { source: 'slack', id: `U0ZELDA${marker.toUpperCase()}`, name: `zelda.quartermain.${marker}` } satisfies Actor;
const ygritte = { source: 'slack', id: `U0YGRITTE${marker.toUpperCase()}`, name: `ygritte.vantablack.${marker}` } satisfies Actor;
const plaintext = [title, note, zelda.id, zelda.name, ygritte.id, ygritte.name];

let system: TestSystem;
let plainConnection: Connection;
let server: RunningServer;
let histories: temporal.api.history.v1.IHistory[];

beforeAll(async () => {
  // Both people are members (only members may hold a role), with names unique to this run.
  const policy = loadTestPolicy();
  policy.teams.codec = {
    manager: zelda.name,
    members: [
      { name: zelda.name, slack: zelda.id, github: `zelda-${marker}` },
      { name: ygritte.name, slack: ygritte.id, github: `ygritte-${marker}` },
    ],
  };
  system = await startTestSystem({ policy });
  const ctx = { client: system.client, taskQueue: system.taskQueue };
  const { key, workflowId } = await declareIncident(ctx, {
    idempotencyKey: `encrypted:${randomUUID()}`,
    title,
    severity: 'SEV3',
    services: ['payments'],
    source: 'slack',
    reporter: zelda,
  });
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: zelda, role: 'commander', person: ygritte });
  const view = await runIncidentUpdate(ctx, key, msg.addNoteUpdate, { actor: ygritte, text: note });
  expect(view.title).toBe(title);
  plainConnection = await Connection.connect({ address: inject('temporalAddress') });
  const plainClient = new Client({ connection: plainConnection, namespace: inject('temporalNamespace') });
  histories = await Promise.all([workflowId, `incident:${key}`].map((id) => plainClient.workflow.getHandle(id).fetchHistory()));
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
    routes: codecRoutes({ codec: new EncryptionCodec([TEST_ENCRYPTION_KEY]), token: TOKEN, origins: [UI] }),
  });
});

afterAll(async () => {
  await server?.close();
  await plainConnection?.close();
  await system?.stop();
});

describe('encrypted Temporal payloads', () => {
  it('leave no plaintext title, note or person anywhere in the server-side histories', () => {
    for (const history of histories) {
      expect(history.events?.length).toBeGreaterThan(3);
      const raw = historyText(history, { decrypt: false });
      const stored = JSON.stringify(history);
      // Booleans, not strings: a failure must not print the whole history.
      for (const secret of plaintext) {
        expect(raw.includes(secret), `${secret} in the stored history`).toBe(false);
        expect(stored.includes(secret), `${secret} in the stored history (base64 left as is)`).toBe(false);
      }
      expect(stored.includes(Buffer.from('binary/encrypted').toString('base64'))).toBe(true);
    }
    // The same histories opened with the key hold every value: the check above looked in the right place.
    const opened = histories.map((h) => historyText(h)).join('\n');
    for (const secret of plaintext) expect(opened.includes(secret), `${secret} in the decrypted history`).toBe(true);
  });

  describe('codec endpoint for the Temporal UI', () => {
    const sealedPayloads = () => {
      const started = histories[1]!.events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
      return started.input!.payloads!.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data!).toString('base64'),
      }));
    };
    const post = (op: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/codec/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers }, body: JSON.stringify(body) });

    it('refuses callers without the token or with a wrong one', async () => {
      const none = await post('decode', { payloads: sealedPayloads() });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      expect(await none.text()).not.toContain(title);
      expect((await post('decode', { payloads: sealedPayloads() }, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await post('decode', { payloads: sealedPayloads() }, { authorization: TOKEN })).status).toBe(401);
    });

    it('decodes what the server stores back to the plaintext, with CORS for the UI', async () => {
      const res = await post('decode', { payloads: sealedPayloads() }, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(UI);
      const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
      const input = JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString()) as { title: string; reporter: Actor };
      expect(input.title).toBe(title);
      expect(input.reporter.id).toBe(zelda.id);
    });

    it('encodes so the workers can read it, and decodes that again', async () => {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(note)).toString('base64') };
      const encoded = (await (await post('encode', { payloads: [plain] }, auth)).json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(Buffer.from(encoded.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe(TEST_ENCRYPTION_KEY.id);
      expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString('latin1')).not.toContain(note);
      const decoded = (await (await post('decode', encoded, auth)).json()) as { payloads: unknown[] };
      expect(decoded.payloads).toEqual([plain]);
    });

    it('answers the UI preflight without a token, and only for the UI origin', async () => {
      const preflight = (origin: string) =>
        fetch(`${server.url}/codec/decode`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization,x-namespace' },
        });
      const ok = await preflight(UI);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-namespace');
      const other = await preflight('https://evil.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('says what is wrong with a malformed body or a payload under an unknown key', async () => {
      const auth = { authorization: `Bearer ${TOKEN}` };
      expect((await post('decode', { nope: true }, auth)).status).toBe(400);
      const foreign = (await new EncryptionCodec([{ id: 'retired-2019', key: new Uint8Array(32).fill(9) }]).encode([{ metadata: {}, data: new Uint8Array([1]) }]))[0]!;
      const res = await post('decode', { payloads: [{ metadata: Object.fromEntries(Object.entries(foreign.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(foreign.data!).toString('base64') }] }, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain('key "retired-2019"');
    });

    it('is off (404) without a codec token or without keys', async () => {
      const off = await startHttpServer({
        port: 0,
        host: '127.0.0.1',
        logger: createLogger({ level: 'silent' }),
        routes: [...codecRoutes({ codec: new EncryptionCodec([TEST_ENCRYPTION_KEY]), origins: [UI] }), ...codecRoutes({ codec: new EncryptionCodec([]), token: TOKEN, origins: [UI] })],
      });
      try {
        const res = await fetch(`${off.url}/codec/decode`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"payloads":[]}' });
        expect(res.status).toBe(404);
      } finally {
        await off.close();
      }
    });
  });
});
