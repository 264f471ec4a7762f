// A worker stand-in for the kill test: runs one sandbox clone and prints progress as JSON lines.
// With STALL_AT=<table> it stops dead in the middle of that table's copy (transactions open, rows
// in flight) so the test can SIGKILL it at a known point instead of racing the copy.

import { cloneSandbox } from '../../activities/sandbox/clone.js';
import { createRedactor } from '../../domain/redact.js';
import { fixtureRules } from '../fixtures/sandbox/rules.js';

const env = (name: string) => process.env[name] ?? '';
const stallAt = env('STALL_AT');

const result = await cloneSandbox({
  sandboxId: env('SANDBOX_ID'),
  sourceUrl: env('SOURCE_URL'),
  sandboxAdminUrl: env('SANDBOX_ADMIN_URL'),
  seed: Number(env('SEED')),
  secret: env('SECRET'),
  rules: fixtureRules(),
  redactor: createRedactor(),
  onProgress: (p) => {
    process.stdout.write(`${JSON.stringify(p)}\n`);
    if (p.table === stallAt && p.rows > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
process.stdout.write(`${JSON.stringify({ done: result.contentHash })}\n`);
