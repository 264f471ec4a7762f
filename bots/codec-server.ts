// POST /codec/encode and /codec/decode: Temporal's codec-server protocol, so the Temporal UI can
// show decrypted payloads to people who hold the codec token. Payloads travel as proto JSON:
// `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload } from '@temporalio/common';
import { bearerMatches } from '../platform/http/bearer.js';
import { readText } from '../platform/http/read-body.js';
import type { EncryptionCodec } from '../platform/codec.js';
import { sendJson, type Route } from '../platform/http/server.js';

export interface CodecRouteOptions {
  codec: EncryptionCodec;
  /** FIREBREAK_CODEC_TOKEN; callers present it as `Authorization: Bearer …`. Unset, there is no endpoint. */
  token?: string;
  /** Browser origins (the Temporal UI) allowed to call the endpoint. */
  origins: readonly string[];
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

// The UI batches a whole event's payloads; Temporal caps one payload at 2 MB.
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const ALLOW_HEADERS = 'content-type, authorization, x-namespace';

class BadRequest extends Error {}

/** No routes (so a 404) unless both a token and encryption keys are configured. */
export function codecRoutes(options: CodecRouteOptions): Route[] {
  const { token } = options;
  if (!token || !options.codec.enabled) return [];
  const routes: Route[] = [];
  for (const op of ['encode', 'decode'] as const) {
    const path = `/codec/${op}`;
    routes.push(
      { method: 'OPTIONS', path, handler: (req, res) => preflight(options, req, res) },
      { method: 'POST', path, handler: (req, res) => transform({ ...options, token }, op, req, res) },
    );
  }
  return routes;
}

function allowedOrigin(options: CodecRouteOptions, req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  return origin !== undefined && options.origins.includes(origin) ? origin : undefined;
}

function corsHeaders(res: ServerResponse, origin: string | undefined): void {
  res.setHeader('vary', 'Origin');
  if (origin === undefined) return;
  res.setHeader('access-control-allow-origin', origin);
  // The UI may send its own session along (its "include cross-origin credentials" setting).
  res.setHeader('access-control-allow-credentials', 'true');
}

function preflight(options: CodecRouteOptions, req: IncomingMessage, res: ServerResponse): void {
  const origin = allowedOrigin(options, req);
  corsHeaders(res, origin);
  if (origin === undefined) return sendJson(res, 403, { error: 'origin not allowed; set TEMPORAL_UI_ORIGIN to the Temporal UI address' });
  res.writeHead(204, {
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': ALLOW_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
}

async function transform(options: CodecRouteOptions & { token: string }, op: 'encode' | 'decode', req: IncomingMessage, res: ServerResponse): Promise<void> {
  corsHeaders(res, allowedOrigin(options, req));
  res.setHeader('cache-control', 'no-store');
  if (!bearerMatches(req, options.token)) {
    res.setHeader('www-authenticate', 'Bearer realm="firebreak-codec"');
    return sendJson(res, 401, { error: 'send the codec token as Authorization: Bearer …' });
  }
  let payloads: Payload[];
  try {
    payloads = parseBody(await readText(req, MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
    throw err;
  }
  let result: Payload[];
  try {
    result = op === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  } catch (err) {
    // The codec's messages name a key ID at most, never key material.
    return sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
  sendJson(res, 200, { payloads: result.map(toJson) });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytes(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new BadRequest(`${where} must be a base64 string`);
  return Buffer.from(value, 'base64');
}

function parseBody(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest('expected a JSON body like {"payloads": [{"metadata": {…}, "data": "…"}]}');
  }
  const list = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new BadRequest('expected a JSON body like {"payloads": [{"metadata": {…}, "data": "…"}]}');
  return list.map((item: unknown, i) => {
    const { metadata, data } = (item ?? {}) as JsonPayload;
    if (metadata !== undefined && metadata !== null && typeof metadata !== 'object') throw new BadRequest(`payloads[${i}].metadata must be an object`);
    return {
      metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, bytes(v, `payloads[${i}].metadata.${k}`)])),
      data: data === undefined || data === null ? new Uint8Array() : bytes(data, `payloads[${i}].data`),
    };
  });
}

function toJson(payload: Payload): JsonPayload {
  const base64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, base64(v)])),
    data: base64(payload.data),
  };
}
