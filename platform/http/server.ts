// The one HTTP server (DESIGN.md §3 routes). Front-ends mount their handlers here; health and
// metrics come built in. Handlers receive the raw request so signature checks see the exact body;
// they read it with platform/http/read-body.ts, whose refusals (413, 400) are answered here.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyRefused } from './read-body.js';
import type { Logger } from '../logger.js';
import { createHttpMetrics, type HttpMetrics } from './metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
export type ReadinessCheck = { name: string; check: () => Promise<void> };

export interface Route {
  method: string;
  /** Exact path, or a prefix when it ends with `/*`. */
  path: string;
  handler: RouteHandler;
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  routes?: Route[];
  readiness?: ReadinessCheck[];
  /** Longest a client may take to send a whole request, body included; then 408 and close. */
  requestTimeoutMs?: number;
  /** Longest a client may take to send the request line and headers. */
  headersTimeoutMs?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  metrics: HttpMetrics;
  close(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;
// A client that trickles its headers or body (slowloris) holds a socket and, for a body, a buffer.
// Slack and GitHub send their (capped) bodies in well under a second; 30 s still lets an 8 MiB
// codec batch through a slow 3 Mbit/s link. Node answers 408 and closes the connection itself.
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
/** How long a refused client may go on sending (read and dropped) before its connection is closed. */
const LINGER_MS = 2_000;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const metrics = createHttpMetrics();
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    { method: 'GET', path: '/readyz', handler: (_req, res) => readiness(res, options.readiness ?? []) },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    },
    ...(options.routes ?? []),
  ];
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer({
    requestTimeout,
    headersTimeout: Math.min(options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout),
    // How often Node looks for requests past those deadlines (its default is every 30 s).
    connectionsCheckingInterval: Math.min(1_000, requestTimeout / 4),
  }, (req, res) => {
    const started = process.hrtime.bigint();
    const route = match(routes, req);
    const label = route?.path ?? 'unmatched';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ route: label, method: req.method ?? '', status: String(res.statusCode) });
      metrics.duration.observe({ route: label, method: req.method ?? '' }, seconds);
    });
    if (!route) return sendJson(res, 404, { error: 'not found' });
    Promise.resolve(route.handler(req, res)).catch((err: unknown) => {
      if (err instanceof BodyRefused) {
        options.logger.warn({ route: label, status: err.status, reason: err.message }, 'refused a request body');
        return refuseBody(req, res, err);
      }
      options.logger.error({ err, route: label }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  return {
    server,
    url,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function match(routes: Route[], req: IncomingMessage): Route | undefined {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return routes.find(
    (r) => r.method === req.method && (r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path),
  );
}

async function readiness(res: ServerResponse, checks: ReadinessCheck[]): Promise<void> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), READINESS_TIMEOUT_MS).unref()),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  const ready = results.every(([, status]) => status === 'ok');
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
}

/** Closing the connection stops the rest of a refused body from being read (and drained). */
function refuseBody(req: IncomingMessage, res: ServerResponse, err: BodyRefused): void {
  if (res.headersSent) return void res.destroy();
  lingerAfterAnswer(req);
  res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close', ...(err.status === 503 ? { 'retry-after': '1' } : {}) });
  res.end(JSON.stringify({ error: err.status === 413 ? 'payload too large' : err.message, ...(err.hint ? { hint: err.hint } : {}) }));
}

/**
 * Closing a socket that still holds unread bytes makes the kernel send a reset, and a reset can
 * wipe the answer from the client's buffer before the client reads it: a client cut off at the
 * cap would see "connection reset" instead of 413. So, as RFC 9112 §9.6 advises, the rest of what
 * the client sends is read and dropped (held nowhere) while the answer goes out, and the socket
 * closes when the client closes its side after our FIN, or after LINGER_MS at the latest.
 */
function lingerAfterAnswer(req: IncomingMessage): void {
  const socket = req.socket;
  req.removeAllListeners('data');
  req.resume();
  // Node calls destroySoon() on this socket once a `connection: close` answer is flushed.
  socket.destroySoon = () => {
    socket.end();
    const deadline = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(deadline));
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
