import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copiesOf, envOf, instructionsOf, parseDockerfile, shellCommandsOf } from '../helpers/dockerfile.js';
import { ConfigError, enabledIntegrations, parseEnv } from '../../platform/config/index.js';
import { tracingBundlePath, workflowCode } from '../../worker/workflow-bundle.js';

// No Docker engine runs where the tests do: the Docker files are checked by reading them.
// docker-compose.yml has its own checks in compose.test.ts.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('Dockerfile', () => {
  const { globalArgs, stages } = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;

  it('builds in stages: npm ci, then the prebuilt workflow bundle, then a slim runtime', () => {
    expect(stages.map((s) => [s.base, s.name])).toEqual([
      ['${NODE_IMAGE}', 'deps'],
      ['deps', 'build'],
      ['${NODE_IMAGE}', 'runtime'],
    ]);
    expect(globalArgs).toEqual({ NODE_IMAGE: 'node:20-bookworm-slim' });
    expect(shellCommandsOf(stages[0]!).some((c) => /^npm ci\b/.test(c))).toBe(true);
    const build = shellCommandsOf(stages[1]!);
    expect(build.some((c) => c.startsWith('npm run bundle:workflows -- dist/workflows.js'))).toBe(true);
    expect(build.some((c) => c.startsWith('npm prune --omit=dev'))).toBe(true);
  });

  it('runs as a non-root user with NODE_ENV=production, the prebuilt bundle and a /healthz health check', () => {
    const keywords = runtime.instructions.map((i) => i.keyword);
    // The last USER before CMD is the one the service runs as.
    const user = keywords.lastIndexOf('USER');
    expect(runtime.instructions[user]?.args).toBe('node');
    expect(user).toBeLessThan(keywords.lastIndexOf('CMD'));
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: 'production', FIREBREAK_WORKFLOW_BUNDLE: '/app/dist/workflows.js' });
    const [healthcheck] = instructionsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/^CMD .*\/healthz/);
    expect(instructionsOf(runtime, 'CMD').at(-1)?.exec).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
  });

  it('copies every source folder the service runs from, none of which .dockerignore drops', () => {
    const copied = copiesOf(runtime)
      .filter((c) => c.from === 'build' && c.sources.length === 1 && c.destination === `./${c.sources[0]!.replace(/^\/app\//, '')}`)
      .map((c) => c.sources[0]!.replace(/^\/app\//, ''));
    for (const folder of ['activities', 'bin', 'bots', 'db', 'domain', 'platform', 'scripts', 'web', 'worker', 'workflows']) {
      expect(copied, folder).toContain(folder);
      expect(statSync(`${ROOT}${folder}`).isDirectory()).toBe(true);
    }
    // dist/ and node_modules/ are built inside the image, so local ones are rightly left out of the context.
    const builtInImage = ['dist', 'node_modules'];
    const ignored = read('.dockerignore').split('\n').filter(Boolean);
    expect(ignored.filter((entry) => (copied.includes(entry) && !builtInImage.includes(entry)) || entry === 'firebreak.config.yaml' || entry.startsWith('package'))).toEqual([]);
  });

  it('has the bundle script the build stage calls', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['bundle:workflows']).toBe('tsx scripts/bundle-workflows.ts');
    expect(existsSync(`${ROOT}scripts/bundle-workflows.ts`)).toBe(true);
    expect(scripts.start).toBe('tsx worker/main.ts');
  });
});

describe('roles and telemetry settings', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/x' };
  const cluster = { ...base, TEMPORAL_ADDRESS: 'temporal:7233' };
  const error = (env: Record<string, string>) => {
    try {
      parseEnv(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return undefined;
  };

  it('runs everything by default and accepts worker or http against a cluster', () => {
    expect(parseEnv(base).role).toBe('all');
    expect(parseEnv({ ...cluster, FIREBREAK_ROLE: 'worker' }).role).toBe('worker');
    expect(parseEnv({ ...cluster, FIREBREAK_ROLE: 'HTTP' }).role).toBe('http');
  });

  it('names FIREBREAK_ROLE in one line when it is unknown or needs a cluster', () => {
    expect(error({ ...cluster, FIREBREAK_ROLE: 'web' })).toBe('FIREBREAK_ROLE: expected one of all, worker, http, got "web"');
    expect(error({ ...base, FIREBREAK_ROLE: 'worker' })).toBe('FIREBREAK_ROLE: worker needs TEMPORAL_ADDRESS; only "all" may run the embedded dev server');
  });

  it('reads the metrics address, the tracing endpoint and the workflow bundle', () => {
    const config = parseEnv({
      ...base,
      TEMPORAL_METRICS_BIND: '0.0.0.0:9464',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/',
      FIREBREAK_WORKFLOW_BUNDLE: '/app/dist/workflows.js',
    });
    expect(config.telemetry).toEqual({ temporalMetricsBind: '0.0.0.0:9464', otlpEndpoint: 'http://otel-collector:4318', serviceName: 'firebreak' });
    expect(config.workflowBundlePath).toBe('/app/dist/workflows.js');
    expect(enabledIntegrations(config)).toEqual(expect.arrayContaining(['temporal metrics', 'tracing']));
    expect(parseEnv(base).telemetry).toEqual({ temporalMetricsBind: undefined, otlpEndpoint: undefined, serviceName: 'firebreak' });
    expect(error({ ...base, TEMPORAL_METRICS_BIND: '9464' })).toBe('TEMPORAL_METRICS_BIND: expected host:port like "0.0.0.0:9464", got "9464"');
    expect(error({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: expected a https:\/\/ or http:\/\/ URL/);
  });

  it('picks the tracing twin of a prebuilt bundle, or the interceptor module when bundling from source', () => {
    expect(tracingBundlePath('/app/dist/workflows.js')).toBe('/app/dist/workflows.tracing.js');
    expect(workflowCode('/app/dist/workflows.js', false)).toEqual({ workflowBundle: { codePath: '/app/dist/workflows.js' } });
    expect(workflowCode('/app/dist/workflows.js', true)).toEqual({ workflowBundle: { codePath: '/app/dist/workflows.tracing.js' } });
    expect(workflowCode(undefined, false)).toEqual({});
    expect(workflowCode(undefined, true).workflowModules?.[0]).toMatch(/interceptors-opentelemetry\/lib\/workflow-interceptors\.js$/);
  });
});
