// Alert intake as production wires it (the alerts front-end on a real HTTP server, over a real
// worker and the run's database), and a real Prometheus Alertmanager (the binary built by
// scripts/ensure-alertmanager.ts) that groups alerts and delivers them with its own webhook notifier.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, arrayContains, eq, like } from 'drizzle-orm';
import { createAlertsInbound } from '../../bots/alerts/integration.js';
import { incidents, timelineEvents } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Config } from '../../platform/config/index.js';
import { cachedToolPath, isExecutable } from '../../worker/go-install.js';
import { startHttpServer, type RouteHandler, type RunningServer } from '../../platform/http/server.js';
import { alertGroupStateQuery, alertGroupWorkflowId, type AlertGroupView } from '../../workflows/alert-group/messages.js';
import { freePort } from './free-port.js';
import { eventually, loadTestPolicy, startTestSystem, type TestSystem } from './system.js';
import { testLogFd, testLogger } from './test-log.js';

export const ALERTMANAGER_TOKEN = `am-${randomUUID()}`;
export const UPTIME_TOKEN = `up-${randomUUID()}`;
export const GRAFANA_SECRET = `gf-${randomUUID()}`;
/** The secret of `grafana-plain`, a Grafana source whose contact point names no timestamp header. */
export const GRAFANA_PLAIN_SECRET = `gfp-${randomUUID()}`;
const TOKENS = {
  FIREBREAK_TEST_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN,
  FIREBREAK_TEST_UPTIME_TOKEN: UPTIME_TOKEN,
  FIREBREAK_TEST_GRAFANA_SECRET: GRAFANA_SECRET,
  FIREBREAK_TEST_GRAFANA_PLAIN_SECRET: GRAFANA_PLAIN_SECRET,
};

/**
 * Headers as Grafana's contact point sends them with HMAC signing: over `timestamp:body` with a
 * timestamp header, over the body alone when `timestamp` is null.
 */
export function grafanaHeaders(
  body: string,
  { secret = GRAFANA_SECRET, timestamp = String(Math.floor(Date.now() / 1000)) as string | null, header = 'x-grafana-alerting-signature' } = {},
): Record<string, string> {
  if (timestamp === null) return { [header]: createHmac('sha256', secret).update(body).digest('hex') };
  return {
    [header]: createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex'),
    'x-grafana-alerting-signature-timestamp': timestamp,
  };
}

/**
 * The test policy plus a service of this file's own, routed from the label `service=<name>` with
 * critical → SEV2: every file of the run shares one database, and another file's open payments
 * incident must never be the one this file's alerts attach to.
 */
export function alertsTestPolicy(...services: string[]): Policy {
  const policy = loadTestPolicy();
  const alerts = policy.alerts!;
  alerts.sources['grafana-plain'] = { kind: 'grafana', tokenEnv: 'FIREBREAK_TEST_GRAFANA_PLAIN_SECRET' };
  for (const service of services.reverse()) {
    policy.services[service] = { repo: `acme/${service}`, owners: ['sre'] };
    alerts.routes.unshift({ match: [{ label: 'service', op: '=', value: service }], service, severity: { critical: 'SEV2', warning: 'SEV4' }, action: 'declare' });
  }
  return policy;
}

export interface AlertsSystem {
  system: TestSystem;
  server: RunningServer;
  /** Three services of this file's own, each routed from `service=<name>`. */
  service: string;
  otherService: string;
  thirdService: string;
  /**
   * Answers the next `n` deliveries with a 503 before they reach the front-end; with `receiver`,
   * only deliveries to a webhook URL ending in `?receiver=<receiver>` (see startAlertmanager).
   */
  failNext(n: number, receiver?: string): void;
  /** The status of each delivery the server answered, in order. */
  answered: number[];
  /** The same, for deliveries to `?receiver=<receiver>` only. */
  answeredTo(receiver: string): number[];
  /** POSTs JSON with `Authorization: Bearer <token>` (none when null) and any extra headers. */
  post(path: string, body: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  group(source: string, groupKey: string): Promise<AlertGroupView | undefined>;
  groupById(workflowId: string): Promise<AlertGroupView | undefined>;
  /** Incidents declared for one of this file's services (the first by default). */
  incidents(service?: string): Promise<(typeof incidents.$inferSelect)[]>;
  timeline(incident: string, like?: string): Promise<(typeof timelineEvents.$inferSelect)[]>;
  stop(): Promise<void>;
}

/** `closeResolvedGroupsAfterSeconds` shortens how long a resolved group's workflow waits before it ends. */
export async function startAlertsSystem(options: { closeResolvedGroupsAfterSeconds?: number; rules?: (service: string) => Policy['rules'] } = {}): Promise<AlertsSystem> {
  const service = `alerting-${randomUUID().slice(0, 8)}`;
  const otherService = `${service}-b`;
  const thirdService = `${service}-c`;
  const policy = alertsTestPolicy(service, otherService, thirdService);
  if (options.rules) policy.rules = options.rules(service);
  if (options.closeResolvedGroupsAfterSeconds) policy.alerts!.closeResolvedGroupsAfterSeconds = options.closeResolvedGroupsAfterSeconds;
  const system = await startTestSystem({ policy });
  const logger = testLogger();
  const inbound = createAlertsInbound(
    { config: {} as Config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger },
    { ...process.env, ...TOKENS },
  )!;
  let failures = 0;
  let failing: string | undefined;
  const answered: { receiver: string | null; status: number }[] = [];
  const routes = inbound.routes.map((route) => ({
    ...route,
    handler: (async (req, res) => {
      const receiver = new URL(req.url ?? '/', 'http://firebreak').searchParams.get('receiver');
      res.on('finish', () => answered.push({ receiver, status: res.statusCode }));
      if (failures > 0 && (failing === undefined || failing === receiver)) {
        failures--;
        res.writeHead(503, { 'content-type': 'application/json' });
        return void res.end('{"error":"failing on purpose"}');
      }
      await route.handler(req, res);
    }) satisfies RouteHandler,
  }));
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes });
  const db = system.database.db;
  async function groupById(workflowId: string): Promise<AlertGroupView | undefined> {
    try {
      return await system.client.workflow.getHandle(workflowId).query(alertGroupStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
  return {
    system,
    server,
    service,
    otherService,
    thirdService,
    get answered() {
      return answered.map((a) => a.status);
    },
    answeredTo: (receiver) => answered.filter((a) => a.receiver === receiver).map((a) => a.status),
    failNext(n, receiver) {
      failures = n;
      failing = receiver;
    },
    async post(path, body, token = ALERTMANAGER_TOKEN, extra = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    },
    group: (source, groupKey) => groupById(alertGroupWorkflowId(source, groupKey)),
    groupById,
    incidents: (of = service) => db.select().from(incidents).where(arrayContains(incidents.services, [of])),
    timeline: (incident, text = '%') => db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), like(timelineEvents.text, text))),
    async stop() {
      await server.close();
      await system.stop();
    },
  };
}

/** Where scripts/ensure-alertmanager.ts (a step of `npm test`) finds or builds the binary. */
export const ALERTMANAGER_BINARY = process.env.ALERTMANAGER_PATH || cachedToolPath('alertmanager');

export interface Alertmanager {
  url: string;
  /** POST /api/v2/alerts, as Prometheus does. */
  fire(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; resolved?: boolean }[]): Promise<void>;
  stop(): Promise<void>;
}

const receiver = (name: string, url: string, token: string) => [
  `  - name: ${name}`,
  '    webhook_configs:',
  `      - url: ${JSON.stringify(url)}`,
  '        send_resolved: true',
  '        http_config:',
  '          authorization:',
  `            credentials: ${JSON.stringify(token)}`,
];

/**
 * A real Alertmanager with a webhook receiver pointing at `webhookUrl`, grouping by alertname and
 * service with short waits so a test sees deliveries, re-sends and resolutions within seconds.
 * Alerts of `ownReceiverFor` (a service) go to a second receiver, `webhookUrl?receiver=<service>`,
 * so a test can fail exactly their deliveries.
 */
export async function startAlertmanager(webhookUrl: string, options: { token?: string; ownReceiverFor?: string } = {}): Promise<Alertmanager> {
  if (!(await isExecutable(ALERTMANAGER_BINARY))) throw new Error(`no Alertmanager at ${ALERTMANAGER_BINARY}: run \`npx tsx scripts/ensure-alertmanager.ts\` (part of npm test)`);
  const token = options.token ?? ALERTMANAGER_TOKEN;
  const own = options.ownReceiverFor;
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
      ...(own ? ['  routes:', '    - receiver: own', `      matchers: [${JSON.stringify(`service="${own}"`)}]`] : []),
      'receivers:',
      ...receiver('firebreak', webhookUrl, token),
      ...(own ? receiver('own', `${webhookUrl}?receiver=${encodeURIComponent(own)}`, token) : []),
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
