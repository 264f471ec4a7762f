// Setup file of every project: gives each test file its own log (test/helpers/test-log.ts) and,
// when a test fails, prints what was logged while it ran, so the failure and its logs are read
// together while passing tests stay quiet.

import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, beforeEach } from 'vitest';
import { beginTestLog, testLogPath } from './test-log.js';

const TAIL_LINES = 60;

// Node's own warnings (a dependency's deprecation, say) are written straight to stderr by its
// default listener; they go to the log with everything else.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  appendFileSync(testLogPath(), `${JSON.stringify({ level: 'warn', warning: warning.name, msg: warning.message, stack: warning.stack })}\n`);
});

// Vitest passes the file's suite second; the first argument (fixtures) is unused here.
// eslint-disable-next-line no-empty-pattern
beforeAll(({}, suite) => {
  beginTestLog(suite.file.projectName, suite.file.filepath);
});

beforeEach(({ onTestFailed }) => {
  const path = testLogPath();
  const startedAt = sizeOf(path);
  onTestFailed(() => {
    const written = readFileSync(path).subarray(startedAt).toString('utf8');
    const lines = written.split('\n').filter(Boolean);
    if (lines.length === 0) return;
    const tail = lines.slice(-TAIL_LINES);
    const skipped = lines.length - tail.length;
    console.error(`last ${tail.length} log lines of this test${skipped ? ` (${skipped} earlier in ${path})` : ` (${path})`}:\n${tail.join('\n')}`);
  });
});

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
