// A real Temporal server on Postgres (DESIGN.md §4), as production runs it rather than the dev
// server's single process on SQLite, set up by the same scripts the compose deployment runs as
// one-shot jobs: two fresh databases (history and visibility) created and migrated with Temporal's
// own SQL tool and versioned schemas (deploy/temporal-schema.sh), then all four services (frontend,
// history, matching, worker) with their own gRPC and membership ports, then the namespace and
// Firebreak's search attributes (deploy/register-search-attributes.sh, with the Temporal CLI).
// restart() brings the same server back on the same databases and ports, as a rolling restart would.

import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { stringify } from 'yaml';
import { adminUrlFromEnv, withAdminClient } from '../../db/admin.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import { assertPortFree } from '../../platform/free-port.js';
import { spawnInOwnGroup, type GroupedProcess } from '../../worker/process-group.js';
import { ensureTemporalCli } from '../../worker/temporal-cli.js';
import { LOG_ROOT } from './test-log.js';
import { ensureTemporalServerTools, TEMPORAL_SERVER_VERSION, type TemporalServerTools } from './temporal-server-tools.js';

const execFileAsync = promisify(execFile);
const SCHEMA_SCRIPT = fileURLToPath(new URL('../../deploy/temporal-schema.sh', import.meta.url));
const REGISTER_SCRIPT = fileURLToPath(new URL('../../deploy/register-search-attributes.sh', import.meta.url));
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
const READY_TIMEOUT_MS = 120_000;

export interface TemporalCluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** The server's own log (test-results/logs/cluster/…). */
  logPath: string;
  /** Stops the server and brings it back on the same databases and ports; resolves once it serves. */
  restart(): Promise<{ downMs: number }>;
  /** Stops the server for good and drops both databases. */
  stop(): Promise<void>;
}

export interface TemporalClusterOptions {
  namespace?: string;
  /** Name of the server's log file under test-results/logs/cluster/, started afresh. */
  logName?: string;
  /** Progress lines (the server's own output goes to logPath). */
  log?: (line: string) => void;
}

export async function startTemporalCluster(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
  const log = options.log ?? (() => {});
  const namespace = options.namespace ?? 'firebreak';
  const tools = await ensureTemporalServerTools(log);
  const cli = await ensureTemporalCli({ log });
  if (cli.kind !== 'binary') throw new Error('the cluster tests register the namespace with the Temporal CLI; run `npm run temporal:cli` (needs Go) or set TEMPORAL_CLI_PATH');

  const stamp = `${Date.now()}_${process.pid}`;
  const databases = { default: `firebreak_temporal_${stamp}`, visibility: `firebreak_temporal_visibility_${stamp}` };
  const admin = new URL(adminUrlFromEnv());
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await Promise.resolve(step()).catch((error: unknown) => log(`cluster cleanup: ${String(error)}`));
  };
  try {
    cleanups.push(() => dropDatabases(Object.values(databases)));
    await setUpSchemas(tools, admin, databases, log);

    const configRoot = mkdtempSync(join(tmpdir(), 'firebreak-temporal-cluster-'));
    cleanups.push(() => rmSync(configRoot, { recursive: true, force: true }));
    const logPath = join(LOG_ROOT, 'cluster', `${options.logName ?? 'temporal-server'}.log`);
    mkdirSync(join(LOG_ROOT, 'cluster'), { recursive: true });
    writeFileSync(logPath, '');
    const ports = await allocatePorts();
    mkdirSync(join(configRoot, 'config'));
    writeFileSync(join(configRoot, 'config', 'cluster.yaml'), stringify(serverConfig({ admin, databases, ports, logPath })));

    const address = `127.0.0.1:${ports.frontend.grpc}`;
    const serverLog = (line: string) => appendFileSync(logPath, `${line}\n`);
    const start = async (): Promise<GroupedProcess> => {
      const server = spawnInOwnGroup(tools.server, ['--root', configRoot, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], serverLog);
      try {
        await waitForFrontend(address, server);
      } catch (error) {
        await server.stop();
        throw error;
      }
      return server;
    };
    let server = await start();
    cleanups.push(() => server.stop());
    await registerNamespace(cli.path, address, namespace, log);
    log(`Temporal server v${TEMPORAL_SERVER_VERSION} on Postgres at ${address}, namespace ${namespace}, log ${logPath}`);

    return {
      address,
      namespace,
      logPath,
      async restart() {
        const started = Date.now();
        await server.stop();
        server = await start();
        return { downMs: Date.now() - started };
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

type ServicePorts = Record<(typeof SERVICES)[number], { grpc: number; membership: number }>;

async function allocatePorts(): Promise<ServicePorts> {
  const taken = new Set<number>();
  const ports = {} as ServicePorts;
  for (const service of SERVICES) ports[service] = { grpc: await lowFreePort(taken), membership: await lowFreePort(taken) };
  return ports;
}

// The server records its hosts' ports in a smallint column (cluster_membership.rpc_port), so they
// must be below 32768, under the kernel's ephemeral range that freePort() draws from.
async function lowFreePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    try {
      await assertPortFree('127.0.0.1', port);
      taken.add(port);
      return port;
    } catch {
      // in use: try another
    }
  }
  throw new Error('found no free port between 20000 and 32000 for the Temporal server');
}

/** Both databases and their schemas, by the script docker-compose.yml runs as a one-shot job. */
async function setUpSchemas(tools: TemporalServerTools, admin: URL, databases: { default: string; visibility: string }, log: (line: string) => void): Promise<void> {
  try {
    const { stdout } = await execFileAsync('sh', [SCHEMA_SCRIPT], {
      env: {
        ...process.env,
        TEMPORAL_SQL_TOOL: tools.sqlTool,
        TEMPORAL_SCHEMA_DIR: tools.schemaDir,
        TEMPORAL_DATABASE: databases.default,
        TEMPORAL_VISIBILITY_DATABASE: databases.visibility,
        SQL_PLUGIN: 'postgres12',
        SQL_HOST: admin.hostname,
        SQL_PORT: admin.port || '5432',
        SQL_USER: decodeURIComponent(admin.username),
        SQL_PASSWORD: decodeURIComponent(admin.password),
      },
      timeout: 300_000,
    });
    for (const line of stdout.trim().split('\n')) if (line.includes(' is at the latest ')) log(line);
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`deploy/temporal-schema.sh failed: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' | ')}`);
  }
}

function dropDatabases(names: string[]): Promise<void> {
  return withAdminClient(adminUrlFromEnv(), async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/** The development-postgres12.yaml of the server module, on this run's databases, ports and log. */
function serverConfig(o: { admin: URL; databases: { default: string; visibility: string }; ports: ServicePorts; logPath: string }) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${o.admin.hostname}:${o.admin.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(o.admin.username),
      password: decodeURIComponent(o.admin.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const frontend = `127.0.0.1:${o.ports.frontend.grpc}`;
  return {
    log: { stdout: false, level: 'warn', outputFile: o.logPath },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      // Fixed for the life of the databases: a restart must use the same number.
      numHistoryShards: 4,
      datastores: { 'postgres-default': store(o.databases.default, 20), 'postgres-visibility': store(o.databases.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      SERVICES.map((service) => [service, { rpc: { grpcPort: o.ports[service].grpc, membershipPort: o.ports[service].membership, bindOnLocalHost: true } }]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
}

/** Polls the frontend's health service until it serves, failing at once if the server exits. */
async function waitForFrontend(address: string, server: GroupedProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let problem = 'no answer yet';
  while (Date.now() < deadline) {
    const exited = server.exitReason();
    if (exited) throw new Error(`the Temporal server ${exited} before it served; last output:\n  ${server.tail().join('\n  ')}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        const { status } = await connection.healthService.check({});
        if (status === 1) return;
        problem = `health status ${status}`;
      } finally {
        await connection.close();
      }
    } catch (error) {
      problem = (error as Error).message.split('\n')[0] ?? 'unknown error';
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the Temporal server at ${address} did not serve within ${READY_TIMEOUT_MS / 1000} s (${problem})`);
}

/** The namespace and the search attributes, by the script a deployment runs once per namespace. */
async function registerNamespace(cliPath: string, address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const { stdout } = await execFileAsync('sh', [REGISTER_SCRIPT], {
    env: { ...process.env, TEMPORAL_CLI: cliPath, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_NAMESPACE_RETENTION: '24h' },
    timeout: 180_000,
  });
  for (const line of stdout.trim().split('\n')) log(line);
  // The frontend caches namespaces and their attributes; wait until it answers with all of them.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const connection = await Connection.connect({ address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => customAttributes?.[name] === undefined);
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`search attributes ${missing.join(', ')} not visible on ${namespace} after registering them`);
    } finally {
      await connection.close();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
