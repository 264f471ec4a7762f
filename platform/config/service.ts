// What the service itself stands on: its own database, the policy file, the data directory and
// the prebuilt workflow bundle. The CLI reads the first two the same way.

import { POSTGRES, read, readUrl, type Env } from './parse.js';

/** DATABASE_URL when set; the service requires it, the CLI only for what it reads from Postgres. */
export function readDatabaseUrl(env: Env): string | undefined {
  return readUrl(env, 'DATABASE_URL', POSTGRES);
}

/** Where `npm start` on a developer machine keeps its data when DATABASE_URL is unset. */
export const DEVELOPMENT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/firebreak';

/**
 * DATABASE_URL, or outside NODE_ENV=production the development database: the service and the CLI
 * default it the same way, so `firebreak audit verify` reads what `npm start` writes.
 */
export function readDatabaseUrlOrDefault(env: Env): { url?: string; defaulted: boolean } {
  const url = readDatabaseUrl(env);
  if (url !== undefined || read(env, 'NODE_ENV') === 'production') return { url, defaulted: false };
  return { url: DEVELOPMENT_DATABASE_URL, defaulted: true };
}

export const POLICY_FILE_NAME = 'firebreak.config.yaml';

/** Path of the policy file (FIREBREAK_CONFIG). */
export function readPolicyPath(env: Env): string {
  return read(env, 'FIREBREAK_CONFIG') ?? POLICY_FILE_NAME;
}

export function readDataDir(env: Env): string {
  return read(env, 'FIREBREAK_DATA_DIR') ?? '.data';
}

/** Prebuilt workflow bundle (FIREBREAK_WORKFLOW_BUNDLE); unset, workflows are bundled at start. */
export function readWorkflowBundlePath(env: Env): string | undefined {
  return read(env, 'FIREBREAK_WORKFLOW_BUNDLE');
}
