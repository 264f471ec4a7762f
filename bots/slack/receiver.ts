// A Bolt receiver mounted on Firebreak's own HTTP server at POST /slack/events. It reads the raw
// body (no body parser may run first), verifies the signature, answers Slack's handshakes itself
// and hands everything else to Bolt with an `ack` that writes the HTTP response at once.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { readText } from '../../platform/http/read-body.js';
import type { RouteHandler } from '../../platform/http/server.js';
import type { Logger } from '../../platform/logger.js';
import { verifySlackSignature } from './verify.js';

// Slash commands and events are a few KB; the largest interactivity payloads (a submitted modal
// with its whole view) stay well under 100 KB. 1 MiB is generous and bounds what an unsigned
// request can make us hold.
const MAX_BODY_BYTES = 1024 * 1024;
// Slack gives up after 3 s; a listener that has not acked by then is worth a log line.
const ACK_DEADLINE_MS = 3_000;

export class FirebreakReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: { signingSecret: string; logger: Logger; now?: () => number }) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  readonly handler: RouteHandler = async (req, res) => {
    // A refused body (413) is answered by the server, before any signature check.
    const raw = await readText(req, MAX_BODY_BYTES);
    const verdict = verifySlackSignature({
      signingSecret: this.options.signingSecret,
      rawBody: raw,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      nowMs: this.options.now?.(),
    });
    if (!verdict.ok) {
      this.options.logger.warn({ reason: verdict.reason }, 'refused an unverified Slack request');
      return reply(res, 401, 'text/plain', 'invalid signature');
    }
    const body = parseBody(raw, header(req, 'content-type'));
    if (body === undefined) return reply(res, 400, 'text/plain', 'unreadable body');
    if (body.ssl_check) return reply(res, 200, 'text/plain', '');
    if (body.type === 'url_verification') return reply(res, 200, 'application/json', JSON.stringify({ challenge: body.challenge }));
    await this.dispatch(req, res, body);
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver was not initialised by a Bolt app');
    let acked = false;
    const late = setTimeout(() => {
      if (!acked) this.options.logger.warn({ type: body.type ?? body.command }, 'Slack request not acknowledged within 3 s');
    }, ACK_DEADLINE_MS);
    late.unref();
    const retryNum = header(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      retryNum: retryNum === undefined ? undefined : Number(retryNum),
      retryReason: header(req, 'x-slack-retry-reason'),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(late);
        writeAck(res, response);
      },
    };
    try {
      await this.app.processEvent(event);
    } catch (err) {
      this.options.logger.error({ err }, 'Slack listener failed');
      if (!acked) reply(res, 500, 'text/plain', 'internal error');
    } finally {
      clearTimeout(late);
      // A listener that never acks still must not leave Slack's connection hanging.
      if (!acked && !res.headersSent) reply(res, 200, 'text/plain', '');
    }
  }
}

function writeAck(res: ServerResponse, response: unknown): void {
  if (response === undefined || response === null || response === '') return reply(res, 200, 'text/plain', '');
  if (typeof response === 'string') return reply(res, 200, 'text/plain', response);
  reply(res, 200, 'application/json', JSON.stringify(response));
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  res.end(body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Slash commands are form fields; interactivity is `payload=<json>`; events are JSON. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === 'string') return JSON.parse(form.payload) as Record<string, unknown>;
    return form;
  } catch {
    return undefined;
  }
}
