// A Prometheus HTTP API stand-in: `GET /api/v1/query?query=…&time=…` answers a vector with one
// sample, whose value a test sets as a function of the evaluation time; 400 for a missing query.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PrometheusStandIn {
  url: string;
  queries: { query: string; time: number }[];
  /** The value of every expression at a time (seconds since the epoch). */
  setValue(valueAt: (time: number) => number | undefined): void;
  stop(): Promise<void>;
}

export async function startPrometheusStandIn(): Promise<PrometheusStandIn> {
  const queries: { query: string; time: number }[] = [];
  let valueAt: (time: number) => number | undefined = () => undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v1/query') return send(404, { status: 'error', errorType: 'not_found', error: 'not found' });
    const query = url.searchParams.get('query');
    if (!query) return send(400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": unknown position' });
    const time = Number(url.searchParams.get('time') ?? Date.now() / 1000);
    queries.push({ query, time });
    const value = valueAt(time);
    const result = value === undefined ? [] : [{ metric: {}, value: [time, String(value)] }];
    send(200, { status: 'success', data: { resultType: 'vector', result } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    setValue: (fn) => void (valueAt = fn),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
