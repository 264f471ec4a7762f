// Shared by the chaos scenarios: a Firebreak worker in a child process that can be SIGKILLed, a
// client for any Temporal address, the final state of a run as comparable rows, and the outcome
// record the report (test/chaos/report.ts) turns into the run's table.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { asc, inArray } from 'drizzle-orm';
import { inject } from 'vitest';
import type { Database } from '../../db/client.js';
import { accessGrants, auditLog, flagRollbacks, incidents, sandboxes, timelineEvents } from '../../db/schema/index.js';
import { testLogFd } from '../helpers/test-log.js';
import { testDataConverter } from '../helpers/encryption.js';

export const RESULTS_DIR = 'test-results/chaos';
const PROTO_INTEROP = new URL('./proto-interop.mjs', import.meta.url).href;

export interface ChildWorker {
  /** Resolves with the first stdout line carrying `key` (`running`, `stalled`). */
  waitFor(key: string): Promise<Record<string, unknown>>;
  /** kill -9 of the whole process group; resolves with the signal the process died of. */
  kill(): Promise<NodeJS.Signals | null>;
  /** A graceful stop, for the end of a run. */
  stop(): Promise<void>;
  /** Resolves when the process exits, whatever the cause. */
  exited: Promise<NodeJS.Signals | null>;
}

export interface WorkerTarget {
  address: string;
  namespace: string;
  taskQueue: string;
}

export async function startChildWorker(target: WorkerTarget, env: Record<string, string> = {}, script = 'test/chaos/worker-child.ts'): Promise<ChildWorker> {
  const child = spawn(process.execPath, ['--import', PROTO_INTEROP, '--import', 'tsx', script], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: target.address,
      TEMPORAL_NAMESPACE: target.namespace,
      TASK_QUEUE: target.taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      WORKFLOW_BUNDLE: inject('workflowBundlePath') ?? '',
      ...env,
    },
    // Its stderr (SDK and crash output) goes to the scenario's log, not between the reporter's lines.
    stdio: ['ignore', 'pipe', testLogFd()],
    // Its own process group, so the kill reaches everything it started.
    detached: true,
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  const worker: ChildWorker = {
    exited,
    async waitFor(key) {
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        if (!next.value.startsWith('{')) continue;
        const line = JSON.parse(next.value) as Record<string, unknown>;
        if (key in line) return line;
      }
      throw new Error(`the chaos worker exited before reporting ${key}`);
    },
    async kill() {
      signal('SIGKILL');
      return exited;
    },
    async stop() {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await worker.waitFor('running');
  return worker;
}

export async function connectClient(address: string, namespace: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace, dataConverter: testDataConverter }), close: () => connection.close() };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The rows a run left behind for its incidents, with what differs between two honest runs taken
 * out: keys become placeholders in order of first appearance, times and generated secrets go, and
 * reminders (their count depends on wall-clock time) collapse to one row per kind. Everything else,
 * duplicates included, stays in.
 */
export interface Snapshot {
  incidents: string[];
  timeline: string[];
  audit: string[];
  grants: string[];
  flagRollbacks: string[];
  sandboxes: string[];
}

export async function snapshot(db: Database, incidentKeys: string[], options: { reminders?: 'kinds' | 'ignore' } = {}): Promise<Snapshot> {
  const keys = new Placeholders();
  for (const k of incidentKeys) keys.of(k);
  const incidentRows = await db.select().from(incidents).where(inArray(incidents.key, incidentKeys)).orderBy(asc(incidents.number));
  const grantRows = await db.select().from(accessGrants).where(inArray(accessGrants.incidentKey, incidentKeys)).orderBy(asc(accessGrants.number));
  const sandboxRows = await db.select().from(sandboxes).where(inArray(sandboxes.incidentKey, incidentKeys));
  const timeline = await db.select().from(timelineEvents).where(inArray(timelineEvents.incidentKey, incidentKeys)).orderBy(asc(timelineEvents.id));
  const flagRows = await db.select().from(flagRollbacks).where(inArray(flagRollbacks.incidentKey, incidentKeys));
  for (const g of grantRows) keys.of(g.key);
  for (const s of sandboxRows) keys.of(s.key);
  const subjects = [...incidentKeys, ...grantRows.map((g) => g.key), ...sandboxRows.map((s) => s.key)];
  const audit = await db.select().from(auditLog).where(inArray(auditLog.subject, subjects)).orderBy(asc(auditLog.seq));

  const reminders = new Set<string>();
  const events: string[] = [];
  for (const e of timeline) {
    if (e.kind === 'reminder' && options.reminders === 'ignore') continue;
    if (e.kind === 'reminder') reminders.add(keys.norm(`reminder ${String(e.details.reminder)} ${e.text}`));
    else events.push(keys.norm(`${e.kind} ${e.actor.name} ${e.text}`));
  }
  return {
    incidents: incidentRows.map((r) => keys.norm(row(r))),
    // Sorted: concurrent events (a grant's expiry, a note) interleave by timing, not by fault.
    timeline: [...events.sort(), ...[...reminders].sort()],
    audit: audit.map((a) => keys.norm(`${a.action} ${a.subject} ${a.actor.name} ${stable(a.details)}`)).sort(),
    grants: grantRows.map((r) => keys.norm(row(r))),
    flagRollbacks: flagRows.map((r) => keys.norm(row(r))).sort(),
    sandboxes: sandboxRows.map((r) => keys.norm(row(r))),
  };
}

const VOLATILE = /^(id|number|seq|hash|prevHash|idempotencyKey|updatedAt)$|At$/;

function row(r: Record<string, unknown>): string {
  return stable(Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.test(k))));
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.test(k)).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

class Placeholders {
  private readonly seen = new Map<string, string>();
  of(key: string): string {
    let p = this.seen.get(key);
    if (!p) {
      p = `<${key.split('-')[0]}#${[...this.seen.keys()].filter((k) => k.split('-')[0] === key.split('-')[0]).length + 1}>`;
      this.seen.set(key, p);
    }
    return p;
  }
  norm(text: string): string {
    return text
      .replace(/\b(INC|GR|SBX)-\d+\b/g, (k) => this.of(k))
      .replace(/\bfirebreak_gr_(\d+)\b/g, (_m, n: string) => `role of ${this.of(`GR-${n}`)}`)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?/g, '<time>')
      .replace(/\b\d\d:\d\d(:\d\d)?( UTC)?\b/g, '<time>')
      .replace(/\b\d+(\.\d+)?\s?(ms|s|m|h)\b(?! cadence)/g, '<duration>')
      .replace(/\bfb_[a-z0-9_]+\b/gi, '<role>');
  }
}

/** Names of rows that appear more than once in a snapshot (a retried write that was not idempotent). */
export function duplicates(s: Snapshot): string[] {
  const all = [...s.timeline, ...s.audit, ...s.grants, ...s.flagRollbacks, ...s.sandboxes, ...s.incidents];
  return all.filter((line, i) => all.indexOf(line) !== i);
}

export function summarize(s: Snapshot, extra = ''): string {
  const phase = /"phase":"(\w+)"/.exec(s.incidents[0] ?? '')?.[1] ?? '?';
  const parts = [`${phase}`, `${s.timeline.length} timeline`, `${s.audit.length} audit`];
  if (s.grants.length) parts.push(`grants ${s.grants.map((g) => /"status":"(\w+)"/.exec(g)?.[1]).join(',')}`);
  if (s.flagRollbacks.length) parts.push(`${s.flagRollbacks.length} flag rows`);
  if (s.sandboxes.length) parts.push(`sandboxes ${s.sandboxes.map((g) => /"status":"(\w+)"/.exec(g)?.[1]).join(',')}`);
  return parts.join('; ') + (extra ? `; ${extra}` : '');
}

export interface Outcome {
  scenario: string;
  faultFree: string;
  withFault: string;
  identical: boolean;
}

export function recordOutcome(id: string, outcome: Outcome): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}/${id}.json`, JSON.stringify(outcome));
}

/**
 * A worker restarted whenever it dies on its own, as a process supervisor (Docker restart policy,
 * Kubernetes) would restart it; `crashes` counts those deaths.
 */
export async function startSupervisedWorker(target: WorkerTarget, env: Record<string, string> = {}) {
  let current = await startChildWorker(target, env);
  let stopping = false;
  let crashes = 0;
  const watch = async (): Promise<void> => {
    await current.exited;
    if (stopping) return;
    crashes++;
    current = await startChildWorker(target, env);
    return watch();
  };
  const watching = watch();
  return {
    get crashes() {
      return crashes;
    },
    async stop() {
      stopping = true;
      await current.stop();
      await watching;
    },
  };
}
