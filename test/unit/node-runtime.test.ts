// The tests run on Node 24 (package.json engines): npm scripts and npx put node_modules/.bin first on
// PATH, where the `node` devDependency installs a Node 24 binary, even on a machine whose system
// Node is older. The children tests spawn with process.execPath must inherit it, not fall back.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const REQUIRED_MAJOR = 24;
// Starting a Node process takes seconds on a loaded two-core CI machine.
const SPAWN_TIMEOUT_MS = 60_000;

const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('Node runtime', () => {
  it('runs the test worker on the Node the package requires', () => {
    expect(major(process.version)).toBeGreaterThanOrEqual(REQUIRED_MAJOR);
  });

  it('hands the same Node to the child processes tests spawn', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['-p', 'process.version']);
    expect(major(stdout.trim())).toBeGreaterThanOrEqual(REQUIRED_MAJOR);
  }, SPAWN_TIMEOUT_MS);

  it('resolves a bare `node` on PATH (npx tsx, shebang scripts) to the same Node', async () => {
    const { stdout } = await execFileAsync('node', ['-p', 'process.version']);
    expect(major(stdout.trim())).toBeGreaterThanOrEqual(REQUIRED_MAJOR);
  }, SPAWN_TIMEOUT_MS);
});
