import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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

describe('starting Firebreak with a bad automation rule', () => {
  it('refuses to start, in one line naming the rule and what is wrong with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-rules-'));
    const file = join(dir, 'rules.yaml');
    const good = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
    writeFileSync(file, `${good}\nrules:\n  night-sev1:\n    when: declared\n    then:\n      - page: { service: payments }\n      - invite: { team: night-owls }\n`);
    const result = await start({ DATABASE_URL: 'postgres://x@127.0.0.1/x', FIREBREAK_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^firebreak: ${file.replace(/[.]/g, '\\.')}: rules\\.night-sev1\\.then\\[1\\]\\.invite\\.team: team "night-owls" is not defined under teams`));
  });
});
