// The scheduled audit seal against the run's real Temporal and Postgres: a run seals the head of the
// chain an incident's entry moved, a retried key seals nothing twice, and the schedule is ensured.

import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, sealAuditCheckpoint, verifyAuditChain } from '../../db/audit.js';
import { auditCheckpointHeads } from '../../db/schema/index.js';
import type { AuditSealResult } from '../../workflows/audit-seal/messages.js';
import { ensureSchedule } from '../../worker/schedules.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

// Far above any incident number other files declare, so this chain is the file's own.
const INCIDENT = `INC-${800_000 + Math.floor(Math.random() * 100_000)}`;
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});

afterAll(async () => {
  await system?.stop();
});

describe('the audit seal', () => {
  it("seals the head of an incident's chain in a run of its workflow, once per key", async () => {
    const note = () =>
      system.database.db.transaction((tx) =>
        appendAudit(tx, { at: new Date(), actor: { source: 'system', id: 'firebreak' }, action: 'incident.note', subject: INCIDENT, details: {}, idempotencyKey: `seal-test:${randomUUID()}` }),
      );
    const row = await note();
    const result = await system.client.workflow.execute<() => Promise<AuditSealResult>>('auditSealWorkflow', { taskQueue: system.taskQueue, workflowId: `audit-seal-test-${randomUUID()}`, args: [] });
    expect(result.sealed).toBe(true);
    const sealed = await system.database.db
      .select({ chainSeq: auditCheckpointHeads.chainSeq, hash: auditCheckpointHeads.hash })
      .from(auditCheckpointHeads)
      .where(and(eq(auditCheckpointHeads.checkpoint, result.checkpoint!.seq), eq(auditCheckpointHeads.chain, INCIDENT)));
    expect(sealed).toEqual([{ chainSeq: 1, hash: row.hash }]);
    // The activity's retry: the same key, the same checkpoint, nothing sealed twice.
    await note();
    const key = `audit-seal-test:${randomUUID()}`;
    const first = await sealAuditCheckpoint(system.database.db, { idempotencyKey: key });
    expect(first.sealed).toBe(true);
    expect(await sealAuditCheckpoint(system.database.db, { idempotencyKey: key })).toEqual(first);
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });

  it('creates its schedule once and updates it in place after', async () => {
    const scheduleId = `audit-seal-test-${randomUUID()}`;
    try {
      expect(await ensureSchedule(system.client, 'auditSeal', system.taskQueue, scheduleId)).toBe('created');
      expect(await ensureSchedule(system.client, 'auditSeal', system.taskQueue, scheduleId)).toBe('updated');
      const described = await system.client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditSealWorkflow' });
      expect(described.spec.intervals).toMatchObject([{ every: 300_000 }]);
    } finally {
      await system.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
