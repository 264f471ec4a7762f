// Retention against the run's real Postgres and Temporal: old free text, sandbox debugging data and
// idempotency rows go, new ones and the audit chain stay, and a second run changes nothing.
// Seeded rows live in 2002 (incidents 700001+), long before anything other test files write, so
// the counts of a run with `now` in 2002 are exactly this file's.

import { randomUUID } from 'node:crypto';
import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedule } from '../../worker/schedules.js';
import { verifyAuditChain } from '../../db/audit.js';
import { auditLog, incidents, processedRequests, sandboxes, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';
import type { RetentionInput, RetentionResult } from '../../workflows/retention/messages.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

const NOW = new Date('2002-01-10T12:00:00.000Z');
// The test policy keeps free text 60s, sandboxes and processed requests 30s.
const OLD = new Date(NOW.getTime() - 3600_000);
const NEW = new Date(NOW.getTime() - 10_000);
const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const CLOSED = 'INC-700001';
const OPEN = 'INC-700002';
const tag = randomUUID();

let system: TestSystem;

async function runRetention(input: RetentionInput): Promise<RetentionResult> {
  return system.client.workflow.execute('retentionWorkflow', { taskQueue: system.taskQueue, workflowId: `retention-test-${randomUUID()}`, args: [input] });
}

function provenance(sandbox: string): SandboxProvenance {
  return {
    sandbox,
    incident: CLOSED,
    source: { name: 'orders', database: 'orders', server: 'db.internal' },
    snapshotAt: OLD.toISOString(),
    schemaHash: 'a'.repeat(64),
    policyHash: 'b'.repeat(64),
    seed: 7,
    flags: { 'checkout-v2': { enabled: true, variant: 'customer 4411' } },
    rowCounts: { customers: 120 },
    rules: { customers: { email: 'hash' } },
    contentHash: 'c'.repeat(64),
    requester: 'alice',
    ttlSeconds: 3600,
  };
}

async function seed(): Promise<void> {
  const { db } = system.database;
  const incident = (key: string, phase: 'closed' | 'mitigating', declaredAt: Date) => ({
    key,
    number: Number(key.slice('INC-'.length)),
    title: `retention ${key}`,
    severity: 'SEV3' as const,
    phase,
    source: 'slack' as const,
    reporter: alice,
    declaredAt,
    closedAt: phase === 'closed' ? new Date(OLD.getTime() + 60_000) : null,
  });
  await db.insert(incidents).values([incident(CLOSED, 'closed', new Date(OLD.getTime() - 3600_000)), incident(OPEN, 'mitigating', new Date(NOW.getTime() - 2 * 3600_000))]);
  const event = (incidentKey: string, kind: string, text: string, at: Date, details: Record<string, unknown> = {}) => ({
    incidentKey,
    kind,
    text,
    occurredAt: at,
    actor: alice,
    details,
    idempotencyKey: `${tag}:${incidentKey}:${kind}:${at.getTime()}:${text.length}`,
  });
  await db.insert(timelineEvents).values([
    event(CLOSED, 'note', 'old note: customer jane@example.com', OLD),
    event(CLOSED, 'status_update', 'old status: checkout failing', OLD),
    event(CLOSED, 'pinned', 'old pinned: order 4411 stuck', OLD, { ref: 'slack:C1/1.1', messageAt: OLD.toISOString(), author: 'jane' }),
    event(CLOSED, 'context', 'old context: deploy 42', OLD, { deploys: [{ title: 'fix for jane' }] }),
    event(CLOSED, 'phase', 'Mitigated', OLD),
    event(CLOSED, 'child', 'SBX-700001 reproduction playbook', OLD, { sandbox: 'SBX-700001', action: 'sandbox.playbook', markdown: 'hypothesis: order 4411' }),
    event(CLOSED, 'note', 'new note stays', NEW),
    event(OPEN, 'note', 'old note of an open incident stays', OLD),
  ]);
  const sandbox = (n: number, endedAt: Date | null, endReason: string | null) => ({
    key: `SBX-${n}`,
    number: n,
    incidentKey: CLOSED,
    requester: alice,
    source: 'orders',
    seed: 7,
    ttlSeconds: 3600,
    status: endedAt ? 'destroyed' : 'ready',
    provenance: provenance(`SBX-${n}`),
    contentHash: 'c'.repeat(64),
    requestedAt: new Date(OLD.getTime() - 600_000),
    endedAt,
    endReason,
  });
  await db.insert(sandboxes).values([sandbox(700001, OLD, 'copy failed: value jane@example.com'), sandbox(700002, NEW, 'expired'), sandbox(700003, null, null)]);
  const request = (name: string, kind: string, at: Date) => ({ key: `${tag}:${name}`, kind, createdAt: at });
  const beforeOpenWork = new Date(NOW.getTime() - 3 * 3600_000);
  await db.insert(processedRequests).values([
    request('old-delivery', 'github.delivery', OLD),
    request('old-slack-event', 'slack.event', OLD),
    request('old-declare', 'declare', beforeOpenWork),
    request('old-effect-before-open-work', 'notify.slack', beforeOpenWork),
    request('old-effect-of-open-work', 'slack.step', OLD),
    request('new-delivery', 'github.delivery', NEW),
  ]);
}

/** Everything seeded, in a stable order, to compare before and after a run. */
async function snapshot() {
  const { db } = system.database;
  return {
    timeline: await db.select().from(timelineEvents).where(inArray(timelineEvents.incidentKey, [CLOSED, OPEN])).orderBy(timelineEvents.id),
    sandboxes: await db.select().from(sandboxes).where(inArray(sandboxes.key, ['SBX-700001', 'SBX-700002', 'SBX-700003'])).orderBy(sandboxes.key),
    requests: (await db.select({ key: processedRequests.key }).from(processedRequests).where(like(processedRequests.key, `${tag}:%`))).map((r) => r.key.slice(tag.length + 1)).sort(),
  };
}

beforeAll(async () => {
  system = await startTestSystem();
  await seed();
});

afterAll(async () => {
  await system?.stop();
});

describe('retention', () => {
  let first: RetentionResult;

  it('purges what is past its window and keeps the rest', async () => {
    first = await runRetention({ now: NOW.toISOString(), batchSize: 2 });
    expect(first.counts).toEqual({ timelineEvents: 4, sandboxes: 1, sandboxPlaybooks: 1, processedRequests: 3 });

    const after = await snapshot();
    const text = (t: string) => after.timeline.find((e) => e.text === t);
    const removed = after.timeline.filter((e) => e.text === '[removed after 1m retention]');
    expect(removed.map((e) => e.kind).sort()).toEqual(['context', 'note', 'pinned', 'status_update']);
    expect(removed.every((e) => e.occurredAt.getTime() === OLD.getTime())).toBe(true);
    expect(removed.find((e) => e.kind === 'pinned')?.details).toEqual({ ref: 'slack:C1/1.1', messageAt: OLD.toISOString(), retentionRemovedAt: NOW.toISOString() });
    expect(removed.find((e) => e.kind === 'context')?.details).toEqual({ retentionRemovedAt: NOW.toISOString() });
    expect(text('new note stays')).toBeDefined();
    expect(text('old note of an open incident stays')).toBeDefined();
    expect(text('Mitigated')).toBeDefined();
    expect(JSON.stringify(after.timeline)).not.toMatch(/jane|4411|checkout failing/);

    const [ended, recent, live] = after.sandboxes;
    expect(ended!.provenance).not.toHaveProperty('flags');
    expect(ended!.provenance).toMatchObject({ rowCounts: { customers: 120 }, rules: { customers: { email: 'hash' } }, seed: 7, retentionPurgedAt: NOW.toISOString() });
    expect(ended!.endReason).toBe('[removed after 30s retention]');
    expect(recent!.provenance).toEqual(provenance('SBX-700002'));
    expect(recent!.endReason).toBe('expired');
    expect(live!.provenance).toEqual(provenance('SBX-700003'));

    expect(after.requests).toEqual(['new-delivery', 'old-declare', 'old-effect-of-open-work']);
  });

  it('reports the run to the audit log and leaves the chain intact', async () => {
    const [report] = await system.database.db.select().from(auditLog).where(eq(auditLog.seq, first.auditSeq));
    expect(report).toMatchObject({ action: 'retention.apply', subject: 'retention', actor: { source: 'system' } });
    expect(report!.idempotencyKey).toMatch(/^retention:/);
    expect(report!.details).toMatchObject({
      asOf: NOW.toISOString(),
      counts: first.counts,
      windows: {
        timelineFreeText: { windowSeconds: 60, cutoff: new Date(NOW.getTime() - 60_000).toISOString() },
        sandboxes: { windowSeconds: 30, cutoff: new Date(NOW.getTime() - 30_000).toISOString() },
        processedRequests: { windowSeconds: 30, cutoff: new Date(NOW.getTime() - 30_000).toISOString() },
      },
    });
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });

  it('changes nothing when run again, and reports zeros', async () => {
    const before = await snapshot();
    const second = await runRetention({ now: NOW.toISOString() });
    expect(second.counts).toEqual({ timelineEvents: 0, sandboxes: 0, sandboxPlaybooks: 0, processedRequests: 0 });
    expect(second.auditSeq).toBeGreaterThan(first.auditSeq);
    expect(await snapshot()).toEqual(before);
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });

  it('creates its schedule once and updates it in place after', async () => {
    const scheduleId = `retention-test-${randomUUID()}`;
    try {
      expect(await ensureSchedule(system.client, 'retention', system.taskQueue, scheduleId)).toBe('created');
      expect(await ensureSchedule(system.client, 'retention', system.taskQueue, scheduleId)).toBe('updated');
      const described = await system.client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow' });
    } finally {
      await system.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
