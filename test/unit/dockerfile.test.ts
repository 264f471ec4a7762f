import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copiesOf, envOf, instructionsOf, parseDockerfile, shellCommandsOf } from '../helpers/dockerfile.js';

// No Docker engine runs where the tests do: the Dockerfile is checked by reading it.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };

describe('Dockerfile', () => {
  const { globalArgs, stages } = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;

  it('builds in stages: npm ci, then npm run build, then a slim runtime', () => {
    expect(stages.map((s) => [s.base, s.name])).toEqual([
      ['${NODE_IMAGE}', 'deps'],
      ['deps', 'build'],
      ['${NODE_IMAGE}', 'runtime'],
    ]);
    expect(shellCommandsOf(stages[0]!).some((c) => /^npm ci\b/.test(c))).toBe(true);
    const build = shellCommandsOf(stages[1]!);
    expect(build.some((c) => c === 'npm run build')).toBe(true);
    expect(build.some((c) => c.startsWith('npm prune --omit=dev'))).toBe(true);
  });

  it('runs the same Node 24 release as the node devDependency, from a pinned official image', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    const devNode = lock.packages['node_modules/node']?.version;
    expect(devNode).toMatch(/^24\./);
    expect(globalArgs.NODE_IMAGE).toBe(`node:${devNode}-bookworm-slim`);
    expect(packageJson.engines.node).toBe('>=24');
  });

  it('runs the compiled service as a non-root user with NODE_ENV=production, a V8 heap cap, the prebuilt bundle and a /healthz health check', () => {
    const keywords = runtime.instructions.map((i) => i.keyword);
    // The last USER before CMD is the one the service runs as.
    const user = keywords.lastIndexOf('USER');
    expect(runtime.instructions[user]?.args).toBe('node');
    expect(user).toBeLessThan(keywords.lastIndexOf('CMD'));
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=512', FIREBREAK_WORKFLOW_BUNDLE: '/app/dist/workflows.js' });
    const [healthcheck] = instructionsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/^CMD .*\/healthz/);
    expect(instructionsOf(runtime, 'CMD').at(-1)?.exec).toEqual(['node', 'dist/worker/main.js']);
  });

  it('copies the build output, not the TypeScript sources, into the runtime image', () => {
    const copied = copiesOf(runtime).flatMap((c) => c.sources.map((s) => s.replace(/^\/app\//, '')));
    expect(copied.sort()).toEqual(['bin', 'dist', 'firebreak.config.yaml', 'node_modules', 'package-lock.json', 'package.json']);
    expect(copiesOf(runtime).every((c) => c.from === 'build')).toBe(true);
    // dist/ and node_modules/ are built inside the image, so local ones are rightly left out of the context.
    const ignored = read('.dockerignore').split('\n').filter(Boolean);
    expect(ignored).toEqual(expect.arrayContaining(['dist', 'node_modules']));
    expect(ignored.filter((entry) => ['bin', 'firebreak.config.yaml', 'scripts', 'tsconfig.json', 'tsconfig.build.json'].includes(entry) || entry.startsWith('package'))).toEqual([]);
  });

  it('has the scripts the image and the README rely on', () => {
    expect(packageJson.scripts.build).toBe('tsx scripts/build.ts');
    expect(packageJson.scripts['start:prod']).toBe('node dist/worker/main.js');
    expect(packageJson.scripts.start).toBe('tsx worker/main.ts');
    expect(existsSync(`${ROOT}scripts/build.ts`)).toBe(true);
    expect(existsSync(`${ROOT}tsconfig.build.json`)).toBe(true);
  });
});
