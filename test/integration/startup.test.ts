import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../platform/free-port.js';
import { startPgCluster } from '../helpers/pg-cluster.js';
import { runCli } from '../helpers/run-cli.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|TEMPORAL_|FIREBREAK_|PORT)/.test(k)));
  try {
    await execFileAsync(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: ROOT, env: { ...clean, ...env } as NodeJS.ProcessEnv, timeout: 30_000 });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('starting Firebreak with bad settings', () => {
  it('names a missing DATABASE_URL in one line in production', async () => {
    expect(await start({ NODE_ENV: 'production' })).toEqual({
      code: 1,
      stderr: 'firebreak: DATABASE_URL: missing; set it to a PostgreSQL URL like postgres://firebreak:secret@127.0.0.1:5432/firebreak\n',
    });
  });

  it('names a malformed variable in one line', async () => {
    const result = await start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', PORT: '80a' });
    expect(result).toEqual({ code: 1, stderr: 'firebreak: PORT: expected a TCP port 1-65535, got "80a"\n' });
  });

  it('names the bad key of the policy file in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-policy-'));
    const file = join(dir, 'bad.yaml');
    const good = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
    writeFileSync(file, good.replace('reopenWindow: 5s', 'reopenWindow: soon'));
    const result = await start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', FIREBREAK_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^firebreak: ${file.replace(/[.]/g, '\\.')}: incidents\\.reopenWindow: `));
  });

  it('names LOG_LEVEL in one line instead of crashing in the logger', async () => {
    expect(await start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', LOG_LEVEL: 'verbose' })).toEqual({
      code: 1,
      stderr: 'firebreak: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"\n',
    });
  });

  it('names DATABASE_URL and the reason in one line when nothing listens on its port', async () => {
    const port = await freePort();
    expect(await start({ DATABASE_URL: `postgres://firebreak:hunter2-secret@127.0.0.1:${port}/firebreak` })).toEqual({
      code: 1,
      stderr: `firebreak: DATABASE_URL: cannot connect to 127.0.0.1:${port} (connection refused)\n`,
    });
  });

  it('names DATABASE_URL in one line, without the password, when the server refuses the login or has no such database', async () => {
    const cluster = await startPgCluster();
    try {
      const wrong = await start({ DATABASE_URL: cluster.urlFor('postgres', 'postgres', 'hunter2-wrong') });
      expect(wrong).toEqual({ code: 1, stderr: `firebreak: DATABASE_URL: 127.0.0.1:${cluster.port} refused the login of user "postgres" (wrong password)\n` });
      const missing = await start({ DATABASE_URL: cluster.urlFor('no_such_database') });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`firebreak: DATABASE_URL: 127.0.0.1:${cluster.port} has no database "no_such_database"; create it (createdb -h 127.0.0.1 -p ${cluster.port} -U postgres no_such_database), or fix the name\n`);
    } finally {
      await cluster.stop();
    }
  });

  it('names the setting to change when the embedded dev server port is taken', async () => {
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const result = await start({ DATABASE_URL: inject('databaseUrl'), TEMPORAL_DEV_PORT: String(port), TEMPORAL_DEV_UI_PORT: String(await freePort()), FIREBREAK_DATA_DIR: mkdtempSync(join(tmpdir(), 'firebreak-data-')) });
      expect(result).toEqual({
        code: 1,
        stderr: `firebreak: TEMPORAL_DEV_PORT: port ${port} on 127.0.0.1 is not available (EADDRINUSE); stop what listens there or set TEMPORAL_DEV_PORT to another port\n`,
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('has the CLI name DATABASE_URL in one line too, where it reads the database', async () => {
    const port = await freePort();
    const result = await runCli(['audit', 'verify'], { DATABASE_URL: `postgres://firebreak:hunter2-secret@127.0.0.1:${port}/firebreak` });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `DATABASE_URL: cannot connect to 127.0.0.1:${port} (connection refused)\n` });
  });
});
