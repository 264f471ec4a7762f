import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { TEST_ENCRYPTION_KEYS_ENV } from './encryption.js';
import type { TestSystem } from './system.js';

const execFileAsync = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/firebreak.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `firebreak` binary as a person would, with the given environment on top (and in `cwd`, if given). */
export async function runCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000, ...options });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The environment a CLI user has against a test system: its Temporal queue, the service's keys, alice. */
export function cliEnv(system: Pick<TestSystem, 'taskQueue'>): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: system.taskQueue,
    FIREBREAK_USER: 'alice',
    FIREBREAK_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS_ENV,
  };
}
