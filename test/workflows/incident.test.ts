import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateDefinition } from '@temporalio/common';
import { declareIncident, getIncidentView, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import { verifyAuditChain } from '../../db/audit.js';
import { auditLog, incidents, processedRequests, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };
const dave: Actor = { source: 'slack', id: 'U0DAVE', name: 'dave' };

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

async function declare(overrides: Partial<Parameters<typeof declareIncident>[1]> = {}) {
  return declareIncident(system, {
    idempotencyKey: `test:${randomUUID()}`,
    title: 'Checkout returns 502',
    severity: 'SEV2',
    services: ['payments'],
    source: 'slack',
    sourceRef: 'C0TEST',
    reporter: alice,
    ...overrides,
  });
}

function update<I>(key: string, definition: UpdateDefinition<msg.IncidentView, [I]>, input: I) {
  return runIncidentUpdate(system, key, definition, input);
}

async function timeline(key: string) {
  return system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key)).orderBy(timelineEvents.id);
}

async function audits(key: string) {
  return system.database.db.select().from(auditLog).where(eq(auditLog.subject, key)).orderBy(auditLog.seq);
}

describe('declaring an incident', () => {
  it('allocates INC-N, persists it, enters triage and keeps search attributes current', async () => {
    const result = await declare();
    expect(result.key).toMatch(/^INC-\d+$/);
    expect(result.created).toBe(true);

    const view = await getIncidentView(system, result.key);
    expect(view).toMatchObject({ key: result.key, phase: 'triage', severity: 'SEV2', services: ['payments'], title: 'Checkout returns 502' });

    const row = await eventually(async () => {
      const [r] = await system.database.db.select().from(incidents).where(eq(incidents.key, result.key));
      return r?.phase === 'triage' ? r : undefined;
    }, 10_000, 'triage persisted');
    expect(row).toMatchObject({ severity: 'SEV2', source: 'slack', sourceRef: 'C0TEST', title: 'Checkout returns 502' });
    expect((await timeline(result.key)).map((e) => e.kind).slice(0, 2)).toEqual(['declared', 'phase']);
    expect((await audits(result.key)).map((a) => a.action)).toEqual(['incident.declare', 'incident.start_triage']);

    const listed = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of system.client.workflow.list({ query: `FirebreakIncident = '${result.key}' AND FirebreakSeverity = 'SEV2' AND FirebreakPhase = 'triage'` })) {
        found.push(wf.workflowId);
      }
      return found.length > 0 ? found : undefined;
    }, 15_000, 'visibility');
    expect(listed).toEqual([`incident:${result.key}`]);
  });

  it('yields one incident for one idempotency key, even when the requests race', async () => {
    const idempotencyKey = `test:${randomUUID()}`;
    const results = await Promise.all([declare({ idempotencyKey }), declare({ idempotencyKey }), declare({ idempotencyKey })]);
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const again = await declare({ idempotencyKey });
    expect(again).toMatchObject({ key: results[0]!.key, created: false });
    const rows = await system.database.db.select().from(processedRequests).where(eq(processedRequests.key, `declare:${idempotencyKey}`));
    expect(rows).toHaveLength(1);
    const kinds = await eventually(async () => {
      const k = (await timeline(results[0]!.key)).map((e) => e.kind);
      return k.includes('phase') ? k : undefined;
    }, 10_000, 'triage persisted');
    // One declaration and one start of triage, however many requests raced (context may follow).
    expect(kinds.filter((k) => k === 'declared')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'phase')).toHaveLength(1);
    expect(await system.database.db.select().from(incidents).where(eq(incidents.key, results[0]!.key))).toHaveLength(1);
  });

  it('refuses an unknown service before allocating a number', async () => {
    // Other test files declare into the same database meanwhile, so look for this declaration's own row.
    const title = `Unknown service ${randomUUID()}`;
    await expect(declare({ title, services: ['paymnets'] })).rejects.toThrow('Unknown service "paymnets"; known services: payments, search.');
    expect(await system.database.db.select().from(incidents).where(eq(incidents.title, title))).toHaveLength(0);
  });
});

describe('the lifecycle', () => {
  it('runs triage → mitigating → monitoring → resolved → mitigating → resolved with rows and audit for each step', async () => {
    const { key } = await declare({ severity: 'SEV3' });
    let view = await update(key, msg.setSeverityUpdate, { actor: bob, severity: 'SEV1', reason: 'all regions' });
    expect(view.severity).toBe('SEV1');

    view = await update(key, msg.assignRoleUpdate, { actor: bob, role: 'commander', person: alice });
    expect(view.roles.commander).toEqual(alice);
    expect(view.phase).toBe('mitigating');
    expect(view.acknowledgedAt).toBeDefined();

    await update(key, msg.addNoteUpdate, { actor: bob, text: 'error rate 40% since 10:02' });
    await update(key, msg.postStatusUpdate, { actor: alice, text: 'Rolling back the 10:00 deploy' });
    view = await update(key, msg.markMitigatedUpdate, { actor: alice, text: 'rollback done' });
    expect(view.phase).toBe('monitoring');
    view = await update(key, msg.resolveUpdate, { actor: alice, text: 'error rate normal for 15 minutes' });
    expect(view.phase).toBe('resolved');
    view = await update(key, msg.reopenUpdate, { actor: bob, text: '502s are back' });
    expect(view.phase).toBe('mitigating');
    expect(view.resolvedAt).toBeUndefined();
    view = await update(key, msg.resolveUpdate, { actor: carol });
    expect(view.phase).toBe('resolved');

    const [row] = await system.database.db.select().from(incidents).where(eq(incidents.key, key));
    expect(row).toMatchObject({ phase: 'resolved', severity: 'SEV1' });
    expect(row!.roles.commander).toEqual(alice);
    expect(row!.acknowledgedAt).toBeInstanceOf(Date);
    expect(row!.mitigatedAt).toBeInstanceOf(Date);
    expect(row!.resolvedAt).toBeInstanceOf(Date);

    expect((await audits(key)).map((a) => a.action)).toEqual([
      'incident.declare',
      'incident.start_triage',
      'incident.severity',
      'incident.role',
      'incident.start_mitigation',
      'incident.mitigated',
      'incident.resolve',
      'incident.reopen',
      'incident.resolve',
    ]);
    const kinds = (await timeline(key)).map((e) => e.kind);
    expect(kinds).toContain('note');
    expect(kinds).toContain('status_update');
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });

  it('refuses illegal transitions with a reason and writes nothing', async () => {
    const { key } = await declare();
    // Triage context may still arrive on its own; count only what the refused update could write.
    const written = async () => (await timeline(key)).filter((e) => e.kind !== 'context').length;
    // A note runs in the serial queue after triage's own writes, so the count starts after them.
    await update(key, msg.addNoteUpdate, { actor: alice, text: 'counting from here' });
    const before = await written();
    const failure = await update(key, msg.reopenUpdate, { actor: alice }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((failure as WorkflowUpdateFailedError).cause?.message).toBe(
      `${key} is still open (triage); only a resolved incident can be reopened.`,
    );
    expect(await written()).toBe(before);
  });

  it('refuses a resolve from someone the policy does not allow, and accepts the commander', async () => {
    const { key } = await declare();
    await update(key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: alice });
    const refused = await update(key, msg.resolveUpdate, { actor: dave }).catch((e: unknown) => e as WorkflowUpdateFailedError);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/resolve/);
    expect((await getIncidentView(system, key)).phase).toBe('mitigating');
    expect((await update(key, msg.resolveUpdate, { actor: alice })).phase).toBe('resolved');
  });

  it('closes a SEV3 after the reopen window and moves a SEV2 to postmortem', async () => {
    const minor = await declare({ severity: 'SEV3' });
    const major = await declare({ severity: 'SEV2' });
    for (const { key } of [minor, major]) {
      await update(key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: alice });
      await update(key, msg.resolveUpdate, { actor: alice });
    }
    const closed = await incidentHandle(system, minor.key).result();
    expect(closed.phase).toBe('closed');
    const [row] = await system.database.db.select().from(incidents).where(eq(incidents.key, minor.key));
    expect(row!.closedAt).toBeInstanceOf(Date);
    await eventually(async () => (await getIncidentView(system, major.key)).phase === 'postmortem', 15_000, 'postmortem phase');
  });
});

describe('durable reminders', () => {
  it('nudges for a commander and for status updates at the severity cadence, and an update resets it', async () => {
    const { key } = await declare({ severity: 'SEV1' });
    const reminders = async (kind: string) =>
      (await system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'reminder'))))
        .filter((e) => e.details.reminder === kind);
    await eventually(async () => (await reminders('no_commander')).length >= 1, 10_000, 'no-commander nudge');
    await eventually(async () => (await reminders('status_update')).length >= 1, 10_000, 'status reminder');
    const view = await update(key, msg.postStatusUpdate, { actor: alice, text: 'investigating' });
    // The SEV1 cadence is 4 s in the test policy: the next reminder is due 4 s after this update.
    const due = Date.parse(view.statusUpdateDueAt!);
    const posted = Date.parse(view.timeline.at(-1)!.at);
    expect(due - posted).toBeGreaterThanOrEqual(3_900);
    expect(due - posted).toBeLessThanOrEqual(4_100);
    // The reminder's notification leaves after its row is written.
    await eventually(async () => system.notices.some((n) => n.incident === key && n.kind === 'reminder'), 10_000, 'reminder notice');
  });
});
