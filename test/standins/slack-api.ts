// A recording stand-in for the Slack Web API (DESIGN.md §4): it keeps channels, messages, pins and
// users, records every call, and answers the way Slack does, errors included (`name_taken`,
// `channel_not_found`, `is_archived`, HTTP 429 with Retry-After). Point SLACK_API_URL at `${url}/api/`.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handlers, postAs, type Channel, type SlackState } from './slack-methods.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
  response: Record<string, unknown>;
  at: number;
}

export type Fault = { status: 429; retryAfter: number } | { error: string };

export interface SlackStandIn {
  url: string;
  /** SLACK_API_URL for the app under test. */
  apiUrl: string;
  calls: RecordedCall[];
  /** Bodies posted to response URLs (`${url}/response/<id>`), by id. */
  responses: Array<{ id: string; body: Record<string, unknown> }>;
  state: SlackState;
  callsTo(method: string): RecordedCall[];
  channelNamed(name: string): Channel | undefined;
  /** The next `times` calls of `method` (whose arguments `match`, if given) fail this way. */
  failNext(method: string, fault: Fault, options?: { times?: number; match?: (args: Record<string, unknown>) => boolean }): void;
  /** A person writes in a channel; returns the message ts. */
  say(channel: string, user: string, text: string): string;
  responseUrl(id: string): string;
  close(): Promise<void>;
}

export const BOT_USER_ID = 'U0FIREBREAK';
export const VALID_TOKEN = 'xoxb-test-token';

export async function startSlackStandIn(options: { users?: Array<{ id: string; name: string; real_name?: string }> } = {}): Promise<SlackStandIn> {
  const state: SlackState = {
    channels: new Map(),
    users: new Map((options.users ?? []).map((u) => [u.id, u])),
    seq: 0,
    lastTsMicros: 0,
    botUserId: BOT_USER_ID,
    idPrefix: randomBytes(3).toString('hex').toUpperCase(),
  };
  state.channels.set('C0INCIDENTS', { id: 'C0INCIDENTS', name: 'incidents', topic: '', purpose: '', archived: false, members: new Set([BOT_USER_ID]), messages: [], pins: new Set() });
  const calls: RecordedCall[] = [];
  const responses: SlackStandIn['responses'] = [];
  const faults: Array<{ method: string; fault: Fault; times: number; match?: (args: Record<string, unknown>) => boolean }> = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/response/')) {
      responses.push({ id: path.slice('/response/'.length), body: JSON.parse(raw || '{}') as Record<string, unknown> });
      return send(res, 200, { ok: true });
    }
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type']);
    const fault = takeFault(method, args);
    if (fault && 'status' in fault) {
      calls.push({ method, args, status: 429, response: { ok: false, error: 'ratelimited' }, at: Date.now() });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter) });
      return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    const response = fault ? { ok: false, error: fault.error } : answer(method, args, req.headers.authorization);
    calls.push({ method, args, status: 200, response, at: Date.now() });
    send(res, 200, response);
  }

  function answer(method: string, args: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> {
    const token = authorization?.replace(/^Bearer /, '') ?? (args.token as string | undefined);
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== VALID_TOKEN) return { ok: false, error: 'invalid_auth' };
    const handler = handlers[method];
    if (!handler) return { ok: false, error: 'unknown_method' };
    try {
      return handler(state, args);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  function takeFault(method: string, args: Record<string, unknown>): Fault | undefined {
    const index = faults.findIndex((f) => f.method === method && (f.match?.(args) ?? true));
    if (index < 0) return undefined;
    const entry = faults[index]!;
    if (--entry.times <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responses,
    state,
    callsTo: (method) => calls.filter((c) => c.method === method && c.status === 200 && c.response.ok === true),
    channelNamed: (name) => [...state.channels.values()].find((c) => c.name === name.replace(/^#/, '')),
    failNext: (method, fault, options = {}) => void faults.push({ method, fault, times: options.times ?? 1, match: options.match }),
    say: (channel, user, text) => {
      state.channels.get(channel)?.members.add(user);
      return postAs(state, channel, user, { text }).ts;
    },
    responseUrl: (id) => `${url}/response/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The WebClient form-encodes arguments and JSON-encodes the structured ones (blocks, views). */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
