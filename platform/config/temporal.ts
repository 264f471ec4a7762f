// Which Temporal cluster, namespace and task queue; and which parts of Firebreak this process runs.

import { fail, isHostPort, read, readChoice, type Env } from './parse.js';

/** Which parts this process runs: both (the default), the Temporal worker, or the HTTP front-ends. */
export const ROLES = ['all', 'worker', 'http'] as const;
export type Role = (typeof ROLES)[number];

/** Where workflows run: what the service and the CLI both need to reach them. */
export interface TemporalTarget {
  /** host:port of a Temporal cluster; unset means `npm start` runs an embedded dev server. */
  address?: string;
  namespace: string;
  taskQueue: string;
}

export interface TemporalConfig extends TemporalTarget {
  apiKey?: string;
  tls: boolean;
  /** Ports of the embedded dev server `npm start` runs when TEMPORAL_ADDRESS is unset. */
  devServer: DevServerPorts;
}

export interface DevServerPorts {
  /** TEMPORAL_DEV_PORT: its gRPC frontend (default 7233, where the CLI looks too). */
  port: number;
  /** TEMPORAL_DEV_UI_PORT: its web UI (default 8233). */
  uiPort: number;
}

export const DEV_SERVER_PORTS: DevServerPorts = { port: 7233, uiPort: 8233 };

function readTcpPort(env: Env, name: string, fallback: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) fail(name, `expected a TCP port 1-65535, got ${JSON.stringify(value)}`);
  return port;
}

export function readDevServerPorts(env: Env): DevServerPorts {
  const ports = { port: readTcpPort(env, 'TEMPORAL_DEV_PORT', DEV_SERVER_PORTS.port), uiPort: readTcpPort(env, 'TEMPORAL_DEV_UI_PORT', DEV_SERVER_PORTS.uiPort) };
  if (ports.port === ports.uiPort) fail('TEMPORAL_DEV_UI_PORT', `the same port as TEMPORAL_DEV_PORT (${ports.port}); pick another`);
  return ports;
}

export function readTemporalTarget(env: Env): TemporalTarget {
  const address = read(env, 'TEMPORAL_ADDRESS');
  if (address !== undefined && !isHostPort(address)) {
    fail('TEMPORAL_ADDRESS', `expected host:port like "temporal.internal:7233", got ${JSON.stringify(address)}`);
  }
  return {
    address,
    namespace: read(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue: read(env, 'TEMPORAL_TASK_QUEUE') ?? 'firebreak',
  };
}

export function readTemporal(env: Env): TemporalConfig {
  const { address, namespace, taskQueue } = readTemporalTarget(env);
  const apiKey = read(env, 'TEMPORAL_API_KEY');
  // Temporal Cloud API keys only work over TLS, so a key alone turns TLS on.
  const tls = readChoice(env, 'TEMPORAL_TLS', ['true', 'false'], apiKey ? 'true' : 'false') === 'true';
  if (address === undefined && (apiKey !== undefined || tls)) {
    fail(apiKey !== undefined ? 'TEMPORAL_API_KEY' : 'TEMPORAL_TLS', 'set, but TEMPORAL_ADDRESS is not; the embedded dev server takes neither');
  }
  return { address, namespace, taskQueue, apiKey, tls, devServer: readDevServerPorts(env) };
}

export function readRole(env: Env, temporal: TemporalConfig): Role {
  const role = readChoice(env, 'FIREBREAK_ROLE', ROLES, 'all');
  // Two processes would each start a dev server on the same port; split roles need a real cluster.
  if (role !== 'all' && temporal.address === undefined) {
    fail('FIREBREAK_ROLE', `${role} needs TEMPORAL_ADDRESS; only "all" may run the embedded dev server`);
  }
  return role;
}
