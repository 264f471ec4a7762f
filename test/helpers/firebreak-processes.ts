// Firebreak as production runs it beside a Temporal cluster: separate operating-system processes of
// the service entry point, one FIREBREAK_ROLE=http (Slack, GitHub, dashboard) and any number of
// FIREBREAK_ROLE=worker, configured only through the environment, with the same keys in every
// process and a workflow bundle built once. Each can be SIGKILLed on its own.

import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../platform/free-port.js';
import { spawnInOwnGroup } from '../../worker/process-group.js';
import { writeWorkflowBundles } from '../../worker/workflow-bundle.js';
import { TEST_ENCRYPTION_KEYS_ENV } from './encryption.js';
import { SIGNING_SECRET } from './slack-requests.js';
import { VALID_TOKEN } from '../standins/slack-api.js';
import { LOG_ROOT } from './test-log.js';
import { quietBundlerLogger } from './quiet-bundler-logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

/**
 * How a Firebreak service process is started: the one place that knows, so the tests follow when
 * production moves from tsx to compiled code.
 */
export function firebreakServiceCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'worker', 'main.ts')] };
}

export type FirebreakRole = 'http' | 'worker';

/** What every process of one deployment shares. */
export interface Deployment {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  /** SLACK_API_URL: the Web API stand-in; unset, Slack is off. */
  slackApiUrl?: string;
  /** ACCESS_POSTGRES_URL: the server grants create their login roles on. */
  accessPostgresUrl?: string;
  /** FIREBREAK_CONFIG; the test policy unless given. */
  policyPath?: string;
  /** Anything else, on top. */
  env?: Record<string, string>;
}

export interface FirebreakProcess {
  name: string;
  role: FirebreakRole;
  /** http://127.0.0.1:PORT */
  url: string;
  /** kill -9 of the process group, as a crashed host. */
  kill(): Promise<void>;
  /** SIGTERM: the worker finishes what it runs, then exits. */
  stop(): Promise<void>;
  exitReason(): string | undefined;
}

export interface FirebreakRun {
  deployment: Deployment;
  /** The log every process writes to (test-results/logs/cluster/…). */
  logPath: string;
  start(role: FirebreakRole, name: string): Promise<FirebreakProcess>;
  /** Stops every process still running. */
  stop(): Promise<void>;
}

export interface WorkflowBundle {
  /** FIREBREAK_WORKFLOW_BUNDLE */
  path: string;
  remove(): void;
}

/** The workflow bundle, written once per run as the Docker build writes it, so workers start without webpack. */
export async function buildWorkflowBundle(): Promise<WorkflowBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-cluster-bundle-'));
  const path = join(dir, 'workflows.js');
  try {
    await writeWorkflowBundles(path, quietBundlerLogger);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One deployment's processes, with keys generated for it and the same in every process. */
export function firebreakRun(deployment: Deployment, bundle: WorkflowBundle, logName: string): FirebreakRun {
  mkdirSync(join(LOG_ROOT, 'cluster'), { recursive: true });
  const logPath = join(LOG_ROOT, 'cluster', `${logName}.log`);
  writeFileSync(logPath, '');
  const keys = {
    FIREBREAK_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS_ENV,
    FIREBREAK_ACCESS_TOKEN_KEY: randomBytes(32).toString('base64'),
    FIREBREAK_REDACTION_KEY: randomBytes(32).toString('base64'),
  };
  const running = new Set<FirebreakProcess>();
  return {
    deployment,
    logPath,
    async start(role, name) {
      const started = await startProcess(role, name, { ...serviceEnv(deployment, bundle.path), ...keys }, logPath);
      running.add(started);
      return started;
    },
    async stop() {
      await Promise.all([...running].map((p) => p.stop()));
      running.clear();
    },
  };
}

function serviceEnv(d: Deployment, bundle: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: d.temporalAddress,
    TEMPORAL_NAMESPACE: d.namespace,
    TEMPORAL_TASK_QUEUE: d.taskQueue,
    DATABASE_URL: d.databaseUrl,
    FIREBREAK_CONFIG: d.policyPath ?? fileURLToPath(new URL('../fixtures/policy.yaml', import.meta.url)),
    FIREBREAK_WORKFLOW_BUNDLE: bundle,
    ...(d.slackApiUrl && { SLACK_BOT_TOKEN: VALID_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: d.slackApiUrl }),
    ...(d.accessPostgresUrl && { ACCESS_POSTGRES_URL: d.accessPostgresUrl }),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...d.env,
  };
}

async function startProcess(role: FirebreakRole, name: string, env: Record<string, string>, logPath: string): Promise<FirebreakProcess> {
  const port = await freePort();
  const { command, args } = firebreakServiceCommand();
  // Only what the service reads: no variable of the test process (CI, vitest's own) leaks in.
  const processEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, FIREBREAK_ROLE: role, PORT: String(port) };
  const child = spawnInOwnGroup(command, args, (line) => appendFileSync(logPath, `${line}\n`), { label: name, env: processEnv, cwd: ROOT });
  const url = `http://127.0.0.1:${port}`;
  const started: FirebreakProcess = { name, role, url, kill: child.kill, stop: child.stop, exitReason: child.exitReason };
  try {
    await waitUntilReady(started, child.tail);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return started;
}

async function waitUntilReady(p: FirebreakProcess, tail: () => string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let problem = 'no answer yet';
  while (Date.now() < deadline) {
    const exited = p.exitReason();
    if (exited) throw new Error(`${p.name} (FIREBREAK_ROLE=${p.role}) ${exited} before it was ready; last output:\n  ${tail().join('\n  ')}`);
    try {
      const response = await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      problem = `/readyz ${response.status}: ${await response.text()}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${p.name} (FIREBREAK_ROLE=${p.role}) not ready after ${READY_TIMEOUT_MS / 1000} s (${problem})`);
}
