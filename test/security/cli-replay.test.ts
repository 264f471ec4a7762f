// A CLI command retried with the same idempotency key (a script that timed out and ran again) has
// one effect: the key names the update, and Temporal answers the repeat with the first outcome.

import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineEvents } from '../../db/schema/index.js';
import { cliEnv, runCli } from '../helpers/run-cli.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let env: Record<string, string>;
beforeAll(async () => {
  system = await startTestSystem();
  env = cliEnv(system);
});
afterAll(async () => {
  await system?.stop();
});

describe('a retried CLI command', () => {
  it('adds one note for one idempotency key, by flag or by environment', async () => {
    const declared = await runCli(['declare', 'CLI replay target', '--sev', '3'], env);
    const key = /^(INC-\d+) declared$/m.exec(declared.stdout)?.[1];
    expect(key, declared.stderr).toBeDefined();
    const marker = `cli-retried-${randomUUID().slice(0, 8)}`;
    const retryKey = `retry-${randomUUID()}`;
    const byFlag = ['run', `${key} note ${marker}`, '--idempotency-key', retryKey];
    expect((await runCli(byFlag, env)).code).toBe(0);
    expect((await runCli(byFlag, env)).code).toBe(0);
    expect((await runCli(['run', `${key} note ${marker}`], { ...env, FIREBREAK_IDEMPOTENCY_KEY: retryKey })).code).toBe(0);
    const rows = await system.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, key!), like(timelineEvents.text, `%${marker}%`)));
    expect(rows).toHaveLength(1);
    // Without a key each invocation is its own request.
    expect((await runCli(['run', `${key} note ${marker}`], env)).code).toBe(0);
    const after = await system.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, key!), like(timelineEvents.text, `%${marker}%`)));
    expect(after).toHaveLength(2);
  }, 90_000);
});
