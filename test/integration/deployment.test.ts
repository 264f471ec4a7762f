import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { installTemporalRuntime } from '../../worker/temporal-logger.js';
import { startTracing, type Tracing } from '../../worker/tracing.js';
import { createFirebreakWorker } from '../../worker/worker.js';
import { writeWorkflowBundles } from '../../worker/workflow-bundle.js';
import { createLogger } from '../../platform/logger.js';
import { freePort } from '../helpers/free-port.js';
import { eventually, TEST_POLICY_PATH } from '../helpers/system.js';
import { testLogFd, testLogger } from '../helpers/test-log.js';

// What the Docker image relies on, checked against the run's real Temporal dev server: the bundles
// `npm run bundle:workflows` writes load in a worker (the tracing one exports spans over OTLP),
// and FIREBREAK_ROLE splits the process into a worker and an HTTP server.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const address = inject('temporalAddress');
const namespace = inject('temporalNamespace');
const quiet = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let dir: string;
let bundles: { plain: string; tracing: string };

beforeAll(async () => {
  installTemporalRuntime(testLogger());
  dir = mkdtempSync(join(tmpdir(), 'firebreak-deploy-'));
  bundles = await writeWorkflowBundles(join(dir, 'dist', 'workflows.js'), quiet);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One weekly digest on a fresh task queue, by a worker that loads only the given bundle. */
async function runDigest(codePath: string, tracing?: Tracing): Promise<unknown> {
  const taskQueue = `deploy-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const worker = await createFirebreakWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      activities: { sendWeeklyDigests: async () => ({ sent: ['platform'] }) } as unknown as Activities,
      workflowBundle: { codePath },
      shutdownGraceTime: '1s',
      ...(tracing && { sinks: tracing.worker.sinks, interceptors: { activity: tracing.worker.activityInterceptors } }),
    });
    const client = new Client({ connection, namespace, interceptors: { workflow: tracing?.clientInterceptors ?? [] } });
    return await worker.runUntil(client.workflow.execute('weeklyDigestWorkflow', { taskQueue, workflowId: `deploy-test:${randomUUID()}` }));
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

describe('prebuilt workflow bundles', () => {
  it('run workflows from the plain bundle', async () => {
    expect(await runDigest(bundles.plain)).toEqual({ sent: ['platform'] });
  });

  it('trace the client start, the workflow and its activity into one trace with the tracing bundle', async () => {
    const received: { name: string; traceId: string }[] = [];
    const collector: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[] };
          for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as { port: number }).port;
    const tracing = await startTracing({ otlpEndpoint: `http://127.0.0.1:${port}`, serviceName: 'firebreak-test' }, createLogger({ level: 'silent' }));
    try {
      expect(await runDigest(bundles.tracing, tracing)).toEqual({ sent: ['platform'] });
    } finally {
      await tracing!.shutdown();
      await new Promise((resolve) => collector.close(resolve));
    }
    const byName = new Map(received.map((span) => [span.name, span.traceId]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['StartWorkflow:weeklyDigestWorkflow', 'RunWorkflow:weeklyDigestWorkflow', 'RunActivity:sendWeeklyDigests']),
    );
    expect(new Set([byName.get('StartWorkflow:weeklyDigestWorkflow'), byName.get('RunWorkflow:weeklyDigestWorkflow'), byName.get('RunActivity:sendWeeklyDigests')]).size).toBe(1);
  });
});

describe('FIREBREAK_ROLE', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM'))))));
  });

  async function startRole(role: 'worker' | 'http', taskQueue: string, extra: Record<string, string> = {}): Promise<string> {
    const port = await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|TEMPORAL_|FIREBREAK_|PORT|SLACK_|GITHUB_|OTEL_|DASHBOARD_)/.test(k)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: ROOT,
      env: {
        ...env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        FIREBREAK_ROLE: role,
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        FIREBREAK_CONFIG: fileURLToPath(TEST_POLICY_PATH),
        FIREBREAK_WORKFLOW_BUNDLE: bundles.plain,
        // Turns the dashboard on, so its stylesheet shows which role mounts the front-end routes.
        DASHBOARD_TOKEN: 'deployment-test-dashboard-token',
        PORT: String(port),
        ...extra,
      },
      stdio: ['ignore', 'ignore', testLogFd()],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/readyz`)).ok, 45_000, `${role} ready`);
    return url;
  }

  async function pollers(client: Client, taskQueue: string): Promise<number> {
    const { pollers } = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
    return pollers?.length ?? 0;
  }

  it('http serves the front-ends without a worker; worker polls the task queue and serves only health and metrics', async () => {
    const taskQueue = `roles-${randomUUID()}`;
    const connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace });
    try {
      const http = await startRole('http', taskQueue);
      expect(await (await fetch(`${http}/readyz`)).json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
      expect((await fetch(`${http}/dashboard.css`)).status).toBe(200);
      expect(await pollers(client, taskQueue)).toBe(0);

      const sdkMetrics = `127.0.0.1:${await freePort()}`;
      const worker = await startRole('worker', taskQueue, { TEMPORAL_METRICS_BIND: sdkMetrics });
      expect(await (await fetch(`${worker}/readyz`)).json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok', worker: 'ok' } });
      expect((await fetch(`${worker}/dashboard.css`)).status).toBe(404);
      expect((await fetch(`${worker}/metrics`)).status).toBe(200);
      await eventually(async () => (await pollers(client, taskQueue)) > 0, 15_000, 'the worker polling');
      // The SDK runtime's own exporter: pollers, slots, task latencies of this worker.
      const temporalMetrics = await (await fetch(`http://${sdkMetrics}/metrics`)).text();
      expect(temporalMetrics).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${taskQueue}"`, 'm'));
    } finally {
      await connection.close();
    }
  }, 120_000);
});
