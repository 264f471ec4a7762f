// How the process reports on itself: log level, Temporal's Prometheus metrics, OpenTelemetry traces.

import { HTTP, fail, isHostPort, read, readChoice, readUrl, type Env } from './parse.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** pretty: one readable line per record (platform/log-format.ts); json: pino's JSON lines. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface TelemetryConfig {
  /** host:port the Temporal SDK runtime serves its Prometheus metrics on (TEMPORAL_METRICS_BIND). */
  temporalMetricsBind?: string;
  /** OTLP/HTTP collector base URL; set, it turns on OpenTelemetry tracing. */
  otlpEndpoint?: string;
  serviceName: string;
}

/** LOG_LEVEL alone, for a logger made before (or without) the rest of the environment. */
export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return readChoice({ LOG_LEVEL: value }, 'LOG_LEVEL', LOG_LEVELS, fallback);
}

/** FIREBREAK_LOG_FORMAT: pretty or json; unset, pretty on a terminal and JSON otherwise. */
export function readLogFormat(env: Env): LogFormat | undefined {
  return read(env, 'FIREBREAK_LOG_FORMAT') === undefined ? undefined : readChoice(env, 'FIREBREAK_LOG_FORMAT', LOG_FORMATS, 'json');
}

export function readTelemetry(env: Env): TelemetryConfig {
  const bind = read(env, 'TEMPORAL_METRICS_BIND');
  if (bind !== undefined && !isHostPort(bind)) fail('TEMPORAL_METRICS_BIND', `expected host:port like "0.0.0.0:9464", got ${JSON.stringify(bind)}`);
  return {
    temporalMetricsBind: bind,
    otlpEndpoint: readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', HTTP)?.replace(/\/+$/, ''),
    serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'firebreak',
  };
}
