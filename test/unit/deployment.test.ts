import { describe, expect, it } from 'vitest';
import { ConfigError, enabledIntegrations, parseEnv } from '../../platform/config/index.js';
import { tracingBundlePath, workflowCode } from '../../worker/workflow-bundle.js';

// The settings the deployment relies on. The Dockerfile is checked in dockerfile.test.ts,
// docker-compose.yml in compose.test.ts.

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
