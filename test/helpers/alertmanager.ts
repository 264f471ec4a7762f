// Alert intake as production wires it (the alerts front-end on a real HTTP server, over a real
// worker and the run's database), and a real Prometheus Alertmanager (the binary built by
// scripts/ensure-alertmanager.ts) that groups alerts and delivers them with its own webhook notifier.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, arrayContains, eq, like } from 'drizzle-orm';
import { createAlertsInbound } from '../../bots/alerts/integration.js';
import { incidents, timelineEvents } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Config } from '../../platform/config/index.js';
import { startHttpServer, type RouteHandler, type RunningServer } from '../../platform/http/server.js';
import { alertGroupStateQuery, alertGroupWorkflowId, type AlertGroupView } from '../../workflows/alert-group/messages.js';
import { freePort } from './free-port.js';
import { eventually, loadTestPolicy, startTestSystem, type TestSystem } from './system.js';
import { testLogFd, testLogger } from './test-log.js';

export const ALERTMANAGER_TOKEN = `am-${randomUUID()}`;
export const UPTIME_TOKEN = `up-${randomUUID()}`;
const TOKENS = { FIREBREAK_TEST_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN, FIREBREAK_TEST_UPTIME_TOKEN: UPTIME_TOKEN };

/**
 * The test policy plus a service of this file's own, routed from the label `service=<name>` with
 * critical → SEV2: every file of the run shares one database, and another file's open payments
 * incident must never be the one this file's alerts attach to.
 */
export function alertsTestPolicy(service: string): Policy {
  const policy = loadTestPolicy();
  policy.services[service] = { repo: `acme/${service}`, owners: ['sre'] };
  const alerts = policy.alerts!;
  alerts.routes.unshift({ match: [{ label: 'service', op: '=', value: service }], service, severity: { critical: 'SEV2', warning: 'SEV4' }, action: 'declare' });
  return policy;
}

export interface AlertsSystem {
  system: TestSystem;
  server: RunningServer;
  service: string;
  /** Answers the next `n` alert deliveries with a 503 before they reach the front-end. */
  failNext(n: number): void;
  /** Deliveries the server answered, by status. */
  answered: number[];
  post(path: string, body: unknown, token?: string | null): Promise<{ status: number; body: Record<string, unknown> }>;
  group(source: string, groupKey: string): Promise<AlertGroupView | undefined>;
  /** Incidents declared for this file's service. */
  incidents(): Promise<(typeof incidents.$inferSelect)[]>;
  timeline(incident: string, like?: string): Promise<(typeof timelineEvents.$inferSelect)[]>;
  stop(): Promise<void>;
}

export async function startAlertsSystem(): Promise<AlertsSystem> {
  const service = `alerting-${randomUUID().slice(0, 8)}`;
  const policy = alertsTestPolicy(service);
  const system = await startTestSystem({ policy });
  const logger = testLogger();
  const inbound = createAlertsInbound(
    { config: {} as Config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger },
    { ...process.env, ...TOKENS },
  )!;
  let failures = 0;
  const answered: number[] = [];
  const routes = inbound.routes.map((route) => ({
    ...route,
    handler: (async (req, res) => {
      res.on('finish', () => answered.push(res.statusCode));
      if (failures > 0) {
        failures--;
        res.writeHead(503, { 'content-type': 'application/json' });
        return void res.end('{"error":"failing on purpose"}');
      }
      await route.handler(req, res);
    }) satisfies RouteHandler,
  }));
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes });
  const db = system.database.db;
  return {
    system,
    server,
    service,
    answered,
    failNext(n) {
      failures = n;
    },
    async post(path, body, token = ALERTMANAGER_TOKEN) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async group(source, groupKey) {
      try {
        return await system.client.workflow.getHandle(alertGroupWorkflowId(source, groupKey)).query(alertGroupStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    incidents: () => db.select().from(incidents).where(arrayContains(incidents.services, [service])),
    timeline: (incident, text = '%') => db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), like(timelineEvents.text, text))),
    async stop() {
      await server.close();
      await system.stop();
    },
  };
}

/** Where scripts/ensure-alertmanager.ts puts the binary. */
export const ALERTMANAGER_BINARY = join(process.env.FIREBREAK_CACHE_DIR ?? join(homedir(), '.cache', 'firebreak'), 'bin', 'alertmanager');

export interface Alertmanager {
  url: string;
  /** POST /api/v2/alerts, as Prometheus does. */
  fire(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; resolved?: boolean }[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager with one webhook receiver pointing at `webhookUrl`, grouping by alertname and
 * service with short waits so a test sees deliveries, re-sends and resolutions within seconds.
 */
export async function startAlertmanager(webhookUrl: string, token = ALERTMANAGER_TOKEN): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-alertmanager-'));
  const port = await freePort();
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: firebreak',
      "  group_by: ['alertname', 'service']",
      '  group_wait: 1s',
      '  group_interval: 2s',
      '  repeat_interval: 3s',
      'receivers:',
      '  - name: firebreak',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(webhookUrl)}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${JSON.stringify(token)}`,
      '',
    ].join('\n'),
  );
  const logFd = testLogFd();
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: ['ignore', logFd, logFd] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 'Alertmanager to be ready');
  return {
    url,
    async fire(alerts) {
      const now = Date.now();
      const body = alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations ?? {},
        startsAt: new Date(now - 60_000).toISOString(),
        // A resolved alert is one whose end lies in the past; a firing one is kept alive a while.
        endsAt: new Date(a.resolved ? now - 1_000 : now + 10 * 60_000).toISOString(),
        generatorURL: 'http://prometheus.example.test/graph',
      }));
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
