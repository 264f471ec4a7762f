import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvExample, ROOT, SHARED_KEYS } from '../helpers/deploy-files.js';

// docker-compose.yml loaded by compose-go, the library Docker Compose loads files with
// (deploy/compose-check), in a folder laid out like a checkout with a filled-in .env: what
// `docker compose config` would resolve, without a Docker engine.

const run = promisify(execFile);

interface Project {
  services: Record<
    string,
    {
      environment?: Record<string, string | null>;
      ports?: { target: number; published: string }[];
      volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
      depends_on?: Record<string, { condition: string }>;
    }
  >;
}

let dir: string;
let checker: string;

/** .env as a person would fill it in: the keys and password set, one integration, the rest as in .env.example. */
function filledEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(loadEnvExample().entries.map((e) => [e.name, e.value]));
  return {
    ...env,
    POSTGRES_PASSWORD: 'pgpassword0123',
    FIREBREAK_ACCESS_TOKEN_KEY: Buffer.alloc(32, 1).toString('base64'),
    FIREBREAK_REDACTION_KEY: Buffer.alloc(32, 2).toString('base64'),
    FIREBREAK_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
    FIREBREAK_CODEC_TOKEN: 'c'.repeat(32),
    SLACK_BOT_TOKEN: 'xoxb-compose-test',
    ...overrides,
  };
}

async function load(env: Record<string, string> | undefined, profiles: string[] = []): Promise<Project> {
  if (env) writeFileSync(join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  else rmSync(join(dir, '.env'), { force: true });
  // Only PATH from this process: the file must get everything it needs from .env, as on a fresh machine.
  const { stdout } = await run(checker, [join(dir, 'docker-compose.yml'), ...profiles], { env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Project;
}

async function loadError(env: Record<string, string> | undefined): Promise<string> {
  try {
    await load(env);
  } catch (error) {
    return (error as { stderr?: string }).stderr ?? String(error);
  }
  throw new Error('compose-check loaded the file');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-compose-'));
  checker = join(dir, 'compose-check');
  // Modules come from Go's module cache, filled before the tests (.ci/run: go mod download).
  await run('go', ['build', '-o', checker, '.'], { cwd: join(ROOT, 'deploy/compose-check'), env: { ...process.env, GOFLAGS: '-mod=readonly' }, timeout: 600_000 });
  mkdirSync(join(dir, 'deploy'));
  for (const file of ['docker-compose.yml', 'firebreak.config.yaml', 'deploy/temporal-schema.sh', 'deploy/register-search-attributes.sh']) {
    copyFileSync(join(ROOT, file), join(dir, file));
  }
}, 660_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docker-compose.yml as Docker Compose loads it', () => {
  it('loads with a filled-in .env, with and without the flags profile', async () => {
    expect(Object.keys((await load(filledEnv())).services).sort()).toEqual([
      'firebreak-http',
      'firebreak-worker',
      'postgres',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
    ]);
    expect(Object.keys((await load(filledEnv(), ['flags'])).services)).toEqual(expect.arrayContaining(['unleash', 'unleash-db']));
  });

  it('hands every setting in .env to both Firebreak services, with the wiring and the shared keys', async () => {
    const env = filledEnv();
    const { services } = await load(env);
    for (const name of ['firebreak-worker', 'firebreak-http']) {
      const environment = services[name]!.environment!;
      expect(loadEnvExample().entries.map((e) => e.name).filter((key) => !(key in environment)), name).toEqual([]);
      for (const key of SHARED_KEYS) expect(environment[key], `${name} ${key}`).toBe(env[key]);
      expect(environment.SLACK_BOT_TOKEN, name).toBe('xoxb-compose-test');
      expect(environment.DATABASE_URL, name).toBe('postgres://firebreak:pgpassword0123@postgres:5432/firebreak');
      expect(environment.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(environment.FIREBREAK_ROLE, name).toBe(name.replace('firebreak-', ''));
      expect(services[name]!.volumes, name).toContainEqual(
        expect.objectContaining({ type: 'bind', source: join(dir, 'firebreak.config.yaml'), target: '/etc/firebreak/firebreak.config.yaml', read_only: true }),
      );
    }
    expect(services.temporal!.environment!.POSTGRES_PWD).toBe('pgpassword0123');
    expect(services['firebreak-http']!.depends_on!['temporal-namespace']!.condition).toBe('service_completed_successfully');
  });

  it('publishes only ports 3000 and 8233, and 4242 with the flags profile', async () => {
    const published = (project: Project) => Object.values(project.services).flatMap((s) => (s.ports ?? []).map((p) => p.published)).sort();
    expect(published(await load(filledEnv()))).toEqual(['3000', '8233']);
    expect(published(await load(filledEnv(), ['flags']))).toEqual(['3000', '4242', '8233']);
  });

  it('refuses to load without a shared key or the Postgres password, naming it', async () => {
    for (const key of [...SHARED_KEYS, 'POSTGRES_PASSWORD']) {
      expect(await loadError(filledEnv({ [key]: '' })), key).toContain(`required variable ${key} is missing a value: set ${key} in .env`);
    }
  });

  it('refuses to load without a .env file', async () => {
    expect(await loadError(undefined)).toMatch(/required variable \w+ is missing a value|\.env/);
  });
});
