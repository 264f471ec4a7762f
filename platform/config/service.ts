// What the service itself stands on: its own database, the policy file, the data directory and
// the prebuilt workflow bundle. The CLI reads the first two the same way.

import { POSTGRES, read, readUrl, type Env } from './parse.js';

/** DATABASE_URL when set; the service requires it, the CLI only for what it reads from Postgres. */
export function readDatabaseUrl(env: Env): string | undefined {
  return readUrl(env, 'DATABASE_URL', POSTGRES);
}

/** Path of the policy file (FIREBREAK_CONFIG). */
export function readPolicyPath(env: Env): string {
  return read(env, 'FIREBREAK_CONFIG') ?? 'firebreak.config.yaml';
}

export function readDataDir(env: Env): string {
  return read(env, 'FIREBREAK_DATA_DIR') ?? '.data';
}

/** Prebuilt workflow bundle (FIREBREAK_WORKFLOW_BUNDLE); unset, workflows are bundled at start. */
export function readWorkflowBundlePath(env: Env): string | undefined {
  return read(env, 'FIREBREAK_WORKFLOW_BUNDLE');
}
