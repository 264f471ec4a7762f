import { Connection } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { createLogger } from '../../platform/logger.js';

let server: RunningServer;
let database: DatabaseHandle;
let connection: Connection;
let temporalUp = true;

beforeAll(async () => {
  database = connectDatabase(inject('databaseUrl'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
    readiness: [
      { name: 'postgres', check: async () => void (await database.db.execute(sql`SELECT 1`)) },
      {
        name: 'temporal',
        check: async () => {
          if (!temporalUp) throw new Error('connection refused');
          await connection.workflowService.getSystemInfo({});
        },
      },
    ],
  });
});
afterAll(async () => {
  await server?.close();
  await connection?.close();
  await database?.close();
});

describe('the HTTP server', () => {
  it('answers /healthz and /readyz with the state of each dependency', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
    temporalUp = false;
    const notReady = await fetch(`${server.url}/readyz`);
    temporalUp = true;
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { postgres: 'ok', temporal: 'connection refused' } });
  });

  it('counts requests by route in Prometheus format and 404s the unknown', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('firebreak_http_requests_total{route="/healthz",method="GET",status="200"} 1');
    expect(metrics).toContain('firebreak_http_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(metrics).toContain('firebreak_process_resident_memory_bytes');
  });
});
