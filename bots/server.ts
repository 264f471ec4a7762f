// The one HTTP server (DESIGN.md §3 routes). Front-ends mount their handlers here; health and
// metrics come built in. Handlers receive the raw request so signature checks see the exact body.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../worker/logger.js';
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
}

export interface RunningServer {
  server: Server;
  url: string;
  metrics: HttpMetrics;
  close(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

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
  const server = createServer((req, res) => {
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

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
