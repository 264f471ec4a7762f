// A real unleash-server 7.5 for the test files that need one: its own scratch database, a free port,
// an admin API token named `firebreak` (the name Unleash writes as `createdBy` on every change the
// token makes), and helpers to create flags and read them back the way an operator would.

import { randomBytes } from 'node:crypto';
import { createScratchDatabase, type ScratchDatabase } from '../../db/admin.js';
import { freePort } from './free-port.js';

export interface UnleashServer {
  url: string;
  adminToken: string;
  /** Milliseconds from start() to a server answering (migrations included). */
  bootMs: number;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  createFlag(project: string, name: string): Promise<void>;
  toggle(project: string, name: string, environment: string, on: boolean): Promise<void>;
  isEnabled(project: string, name: string, environment: string): Promise<boolean>;
  stop(): Promise<void>;
}

const silent = () => {
  const noop = () => undefined;
  return { debug: noop, info: noop, warn: noop, error: noop, fatal: noop };
};

export async function startUnleash(): Promise<UnleashServer> {
  const started = Date.now();
  const database: ScratchDatabase = await createScratchDatabase('unleash');
  const port = await freePort();
  const adminToken = `*:*.${randomBytes(24).toString('hex')}`;
  const { start } = await import('unleash-server');
  let instance: { stop(): Promise<void> } | undefined;
  try {
    instance = await start({
      databaseUrl: database.url,
      db: { ssl: false, pool: { min: 0, max: 4 } } as never,
      server: { port, host: '127.0.0.1', enableHeapSnapshotEnpoint: false } as never,
      getLogger: silent as never,
      versionCheck: { enable: false } as never,
      telemetry: false,
      authentication: {
        initApiTokens: [{ secret: adminToken, tokenName: 'firebreak', type: 'admin' as never, environment: '*', projects: ['*'] }],
      },
    });
  } catch (err) {
    await database.drop();
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: adminToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Unleash ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    url,
    adminToken,
    bootMs: Date.now() - started,
    api,
    async createFlag(project, name) {
      await api('POST', `/api/admin/projects/${project}/features`, { name, type: 'release' });
    },
    async toggle(project, name, environment, on) {
      await api('POST', `/api/admin/projects/${project}/features/${name}/environments/${environment}/${on ? 'on' : 'off'}`);
    },
    async isEnabled(project, name, environment) {
      const flag = await api<{ environments: { name: string; enabled: boolean }[] }>('GET', `/api/admin/projects/${project}/features/${name}`);
      return flag.environments.find((e) => e.name === environment)?.enabled ?? false;
    },
    async stop() {
      await instance?.stop();
      await database.drop();
    },
  };
}
