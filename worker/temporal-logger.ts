import { IllegalStateError } from '@temporalio/common';
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from '../platform/logger.js';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** SDK, workflow and activity logs go through pino, so they are JSON and redacted like ours. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const child = logger.child({ component: 'temporal' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (!message.includes('\n')) return child[LEVELS[level]](meta ?? {}, message);
    // The workflow bundler logs webpack's statistics as one message of many lines: at info that
    // is a screenful in the middle of the start. Its first line is the message, the rest a field,
    // and statistics (not errors) go to debug, after "Workflow bundle created" said the same.
    const [first = '', ...rest] = stripColours(message).split('\n');
    const lines = rest.filter((line) => line.trim() !== '');
    const quieter = level === 'INFO' ? 'debug' : LEVELS[level];
    child[quieter]({ ...meta, lines }, first.trim());
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

// eslint-disable-next-line no-control-regex
const stripColours = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

export interface TemporalRuntimeOptions {
  /**
   * host:port for the SDK's own Prometheus exporter (worker task latencies, slots, polls, sticky
   * cache, activity and workflow outcomes), scraped at `/metrics` on that address.
   */
  metricsBind?: string;
}

/** Must run before the first Worker or NativeConnection is created; later calls are ignored. */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): void {
  try {
    Runtime.install({
      logger: temporalLogger(logger),
      ...(options.metricsBind
        ? {
            telemetryOptions: {
              metrics: {
                metricPrefix: 'temporal_',
                globalTags: { service: 'firebreak' },
                // Seconds and `_total` counters, like the HTTP metrics on the server's /metrics.
                prometheus: { bindAddress: options.metricsBind, useSecondsForDurations: true, countersTotalSuffix: true },
              },
            },
          }
        : {}),
    });
  } catch (err) {
    // Already installed (a second worker in the same process): the first logger stays. Anything
    // else, e.g. the metrics address already in use, must stop the start.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
