import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES, type SearchAttributeName } from '../domain/search-attributes.js';
import type { TemporalCli } from './temporal-cli.js';
import { assertPortFree, freePort } from '../platform/free-port.js';
import { spawnInOwnGroup } from './process-group.js';

// A local Temporal dev server with Firebreak's search attributes registered (DESIGN.md §4): one per
// test run, and the embedded server of `npm start` when TEMPORAL_ADDRESS is unset.

export interface DevServerOptions {
  cli: TemporalCli;
  port?: number;
  /** `false` runs headless; unset picks a free port. */
  uiPort?: number | false;
  /** SQLite file that keeps workflows across restarts; unset keeps everything in memory. */
  dbFile?: string;
  namespace?: string;
  log?: (line: string) => void;
  /** The settings that chose port and uiPort, named when one is busy (TEMPORAL_DEV_PORT, …). */
  settings?: { port: string; uiPort: string };
}

export interface DevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  namespace: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

interface Resolved {
  ip: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  namespace: string;
  log: (line: string) => void;
  settings?: { port: string; uiPort: string };
}

const READY_TIMEOUT_MS = 60_000;

// For each type name the CLI's --search-attribute accepts: the SDK's name for it, and its value in
// temporal.api.enums.v1.IndexedValueType (fixed by the wire protocol) as listSearchAttributes returns it.
const ATTRIBUTE_TYPES = {
  Text: { sdk: SearchAttributeType.TEXT, indexed: 1 },
  Keyword: { sdk: SearchAttributeType.KEYWORD, indexed: 2 },
  Int: { sdk: SearchAttributeType.INT, indexed: 3 },
  Double: { sdk: SearchAttributeType.DOUBLE, indexed: 4 },
  Bool: { sdk: SearchAttributeType.BOOL, indexed: 5 },
  Datetime: { sdk: SearchAttributeType.DATETIME, indexed: 6 },
  KeywordList: { sdk: SearchAttributeType.KEYWORD_LIST, indexed: 7 },
} as const;
const FIREBREAK_ATTRIBUTES = Object.entries(SEARCH_ATTRIBUTES) as [SearchAttributeName, keyof typeof ATTRIBUTE_TYPES][];

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const resolved: Resolved = {
    ip: '127.0.0.1',
    port: options.port ?? (await freePort()),
    uiPort: options.uiPort === false ? undefined : (options.uiPort ?? (await freePort())),
    dbFile: options.dbFile,
    namespace: options.namespace ?? 'default',
    log: options.log ?? (() => {}),
    settings: options.settings,
  };
  // The CLI refuses a database file whose directory does not exist yet, as `.data/` on a fresh clone.
  if (resolved.dbFile) await mkdir(dirname(resolved.dbFile), { recursive: true });
  return options.cli.kind === 'binary' ? await startBinary(options.cli.path, resolved) : await startWithSdk(resolved);
}

function devServerArgs(o: Omit<Resolved, 'log' | 'settings'>): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port), '--log-level', 'warn'];
  args.push(...(o.uiPort === undefined ? ['--headless'] : ['--ui-port', String(o.uiPort)]));
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  args.push('--namespace', o.namespace);
  for (const [name, type] of FIREBREAK_ATTRIBUTES) args.push('--search-attribute', `${name}=${type}`);
  return args;
}

async function startBinary(cliPath: string, o: Resolved): Promise<DevServer> {
  // Otherwise a server already on that port would pass the readiness check in place of ours.
  await assertPortFree(o.ip, o.port, o.settings?.port);
  if (o.uiPort !== undefined) await assertPortFree(o.ip, o.uiPort, o.settings?.uiPort);
  o.log(`starting Temporal dev server on ${o.ip}:${o.port}${o.dbFile ? ` (data in ${o.dbFile})` : ' (in memory)'}`);
  const server = spawnInOwnGroup(cliPath, devServerArgs(o), o.log);
  const address = `${o.ip}:${o.port}`;
  try {
    await waitUntilReady(address, o.namespace, server.exitReason);
  } catch (error) {
    await server.stop();
    const tail = server.tail().map((line) => `\n  ${line}`).join('');
    throw new Error(`${(error as Error).message}${tail ? `; last server output:${tail}` : ''}`);
  }
  return { address, namespace: o.namespace, uiUrl: uiUrl(o), stop: server.stop };
}

async function startWithSdk(o: Resolved): Promise<DevServer> {
  // Loaded lazily: it pulls in the worker's native bridge, which the binary path never needs.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  o.log(`starting a Temporal dev server downloaded by the SDK on ${o.ip}:${o.port}`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: o.ip,
      port: o.port,
      ui: o.uiPort !== undefined,
      uiPort: o.uiPort,
      dbFilename: o.dbFile,
      namespace: o.namespace,
      log: { format: 'pretty', level: 'warn' },
      searchAttributes: FIREBREAK_ATTRIBUTES.map(([name, type]) => defineSearchAttributeKey(name, ATTRIBUTE_TYPES[type].sdk)),
    },
  });
  try {
    await waitUntilReady(env.address, o.namespace, () => undefined);
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return { address: env.address, namespace: o.namespace, uiUrl: uiUrl(o), stop: () => env.teardown() };
}

function uiUrl(o: Resolved): string | undefined {
  return o.uiPort === undefined ? undefined : `http://${o.ip}:${o.uiPort}`;
}

/** Polls until the namespace answers with every Firebreak search attribute registered. */
async function waitUntilReady(address: string, namespace: string, exitReason: () => string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const exited = exitReason();
    if (exited) throw new Error(`Temporal dev server ${exited} before it was ready`);
    try {
      const missing = await missingSearchAttributes(address, namespace);
      if (missing.length === 0) return;
      lastProblem = `search attributes not registered: ${missing.join(', ')}`;
    } catch (error) {
      lastProblem = (error as Error).message.split('\n')[0] ?? 'unknown error';
    }
    await sleep(250);
  }
  throw new Error(`Temporal dev server at ${address} not ready after ${READY_TIMEOUT_MS / 1000} s (${lastProblem})`);
}

/** Names of Firebreak search attributes absent from the namespace or registered with another type. */
async function missingSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return FIREBREAK_ATTRIBUTES.filter(([name, type]) => customAttributes?.[name] !== ATTRIBUTE_TYPES[type].indexed)
      .map(([name]) => name);
  } finally {
    await connection.close();
  }
}
