// Where a test file's logs go: test-results/logs/<project>/<test file>.log, one file per test file,
// started afresh each run. The Temporal SDK's warnings (every retried activity, every failed
// workflow task) and Firebreak's own pino lines land there instead of between the reporter's
// lines; a failing test prints the tail of its file's log (test/helpers/log-setup.ts).

import { appendFileSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger as TemporalLogger } from '@temporalio/worker';
import { createLogger, type Logger } from '../../platform/logger.js';
import { temporalLogger } from '../../worker/temporal-logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOG_ROOT = join(ROOT, 'test-results', 'logs');

// Set per test file by the setup file; a process that runs several files in turn follows along,
// which matters for the Temporal runtime logger: it is installed once per process.
const CURRENT = 'FIREBREAK_TEST_LOG';

/** Starts the log of one test file (truncating the last run's) and makes it the current one. */
export function beginTestLog(project: string | undefined, testFile: string): string {
  const path = join(LOG_ROOT, project ?? 'default', `${relative(ROOT, testFile)}.log`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  process.env[CURRENT] = path;
  return path;
}

/** The current test file's log, or one per process when no setup file ran (a child process). */
export function testLogPath(): string {
  const current = process.env[CURRENT];
  if (current) return current;
  const path = join(LOG_ROOT, `process-${process.pid}.log`);
  mkdirSync(dirname(path), { recursive: true });
  process.env[CURRENT] = path;
  return path;
}

// Appends synchronously to whichever file is current when the line is written: a line is never
// lost at exit, and logs follow the test file rather than the logger's creation.
const toCurrentLog = { write: (line: string) => appendFileSync(testLogPath(), line) };

/** A Firebreak logger writing to the current test file's log instead of stdout. */
export function testLogger(level = process.env.LOG_LEVEL ?? 'warn'): Logger {
  return createLogger({ level, destination: toCurrentLog });
}

/** The same, in the Temporal SDK's shape (MockActivityEnvironment's `logger`). */
export function testTemporalLogger(level?: string): TemporalLogger {
  return temporalLogger(testLogger(level));
}

/** A file descriptor on the current log, for a child process's stdout or stderr. */
export function testLogFd(): number {
  return openSync(testLogPath(), 'a');
}
