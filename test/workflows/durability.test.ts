import { randomUUID } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { declareIncident, getIncidentView, incidentHandle } from '../../bots/workflow-client.js';
import { auditLog, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import type { IncidentEvent } from '../../domain/timeline.js';
import * as msg from '../../workflows/incident/messages.js';
import { createLogger } from '../../platform/logger.js';
import { eventually, loadTestPolicy, startTestSystem, type TestSystem } from '../helpers/system.js';

const alice: Actor = { source: 'cli', id: 'alice', name: 'alice' };

let system: TestSystem;
beforeAll(async () => {
  const policy = loadTestPolicy();
  // Small enough that a few dozen updates force several continue-as-new hops.
  policy.incidents.continueAsNewAfterEvents = 60;
  system = await startTestSystem({ policy });
});
afterAll(async () => {
  await system?.stop();
});

describe('idempotent persistence', () => {
  it('writes one timeline row and one audit row when the same event is recorded twice (a retried activity)', async () => {
    const { key } = await declareIncident(system, {
      idempotencyKey: `test:${randomUUID()}`,
      title: 'Search latency',
      severity: 'SEV3',
      services: ['search'],
      source: 'cli',
      reporter: alice,
    });
    const activities = createActivities({
      db: system.database.db,
      policy: () => system.policy,
      redactor: createRedactor(),
      logger: createLogger({ level: 'silent' }),
    });
    const event: IncidentEvent = {
      incident: key,
      idempotencyKey: `${key}:9999`,
      at: new Date().toISOString(),
      kind: 'severity',
      actor: alice,
      text: 'Severity SEV3 → SEV2 (mail ops@example.com)',
      changes: { severity: 'SEV2' },
      auditAction: 'incident.severity',
    };
    expect(await activities.recordIncidentEvent(event)).toEqual({ applied: true, text: expect.stringMatching(/^Severity SEV3 → SEV2 \(mail \[REDACTED:email#[0-9a-f]{8}\]\)$/) });
    expect(await activities.recordIncidentEvent(event)).toMatchObject({ applied: false });
    const rows = await system.database.db.select().from(timelineEvents).where(eq(timelineEvents.idempotencyKey, `${key}:9999`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).not.toContain('ops@example.com');
    const audit = await system.database.db.select().from(auditLog).where(eq(auditLog.idempotencyKey, `${key}:9999`));
    expect(audit).toHaveLength(1);
  });
});

describe('long histories', () => {
  it('continue as new without losing state, events or search attributes', async () => {
    const { key } = await declareIncident(system, {
      idempotencyKey: `test:${randomUUID()}`,
      title: 'Long running incident',
      severity: 'SEV4',
      services: ['payments'],
      source: 'cli',
      reporter: alice,
    });
    const handle = incidentHandle(system, key);
    const firstRun = (await handle.describe()).runId;
    // Two bursts: the workflow continues as new once a burst's handlers and notifications drain.
    let view: msg.IncidentView | undefined;
    for (const [from, to, hops] of [[1, 15, 1], [16, 30, 2]] as const) {
      for (let i = from; i <= to; i++) await handle.executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: `note ${i}` }] });
      view = await eventually(async () => {
        const v = await getIncidentView(system, key);
        return v.continuedAsNewCount >= hops ? v : undefined;
      }, 15_000, `continue-as-new #${hops}`);
    }
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(view!.phase).toBe('triage');
    expect(view!.timeline.filter((e) => e.kind === 'note').map((e) => e.text).slice(-3)).toEqual(['note 28', 'note 29', 'note 30']);

    const notes = await system.database.db
      .select()
      .from(timelineEvents)
      .where(eq(timelineEvents.incidentKey, key));
    expect(notes.filter((n) => n.kind === 'note')).toHaveLength(30);
    const seqs = notes.map((n) => n.idempotencyKey);
    expect(new Set(seqs).size).toBe(seqs.length);

    const after = await handle.executeUpdate(msg.setSeverityUpdate, { args: [{ actor: alice, severity: 'SEV2' }] });
    expect(after.severity).toBe('SEV2');
    const listed = await eventually(async () => {
      for await (const wf of system.client.workflow.list({ query: `FirebreakIncident = '${key}' AND FirebreakSeverity = 'SEV2' AND ExecutionStatus = 'Running'` })) {
        return wf.runId;
      }
      return undefined;
    }, 15_000, 'search attributes after continue-as-new');
    expect(listed).not.toBe(firstRun);
    const dupes = await system.database.db.select().from(timelineEvents).where(like(timelineEvents.idempotencyKey, `${key}:%`));
    expect(dupes.length).toBe(notes.length + 1);
  });
});

describe('a request repeated after continue-as-new', () => {
  // Temporal de-duplicates an update ID only within one run: a CLI retry or a replayed Slack request
  // that arrives after the incident continued as new must still act once.
  it('acts once: the incident carries the update IDs it applied into the new run', async () => {
    const { key } = await declareIncident(system, {
      idempotencyKey: `test:${randomUUID()}`,
      title: 'Retried across runs',
      severity: 'SEV4',
      services: ['payments'],
      source: 'cli',
      reporter: alice,
    });
    const handle = incidentHandle(system, key);
    const marker = `retried-${randomUUID().slice(0, 8)}`;
    const updateId = `cli:retry-${randomUUID()}`;
    await handle.executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: marker }], updateId });
    const firstRun = (await handle.describe()).runId;
    for (let i = 1; i <= 15; i++) await handle.executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: `filler ${i}` }] });
    await eventually(async () => ((await handle.describe()).runId !== firstRun ? true : undefined), 15_000, 'continue-as-new');

    const again = await handle.executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: marker }], updateId });
    expect(again.key).toBe(key);
    // A second ID with the same text is a new request and acts: the check is by ID, not by content.
    await handle.executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: marker }], updateId: `${updateId}-other` });
    const rows = await system.database.db.select().from(timelineEvents).where(like(timelineEvents.text, `%${marker}%`)).orderBy(timelineEvents.id);
    expect(rows.map((r) => r.incidentKey)).toEqual([key, key]);
  });
});

describe('worker restarts', () => {
  it('fires a reminder that fell due while no worker was running, once the worker is back', async () => {
    const taskQueue = `restart-${randomUUID()}`;
    const first = await startTestSystem({ taskQueue });
    const { key } = await declareIncident(first, {
      idempotencyKey: `test:${randomUUID()}`,
      title: 'Worker restart',
      severity: 'SEV1',
      services: ['payments'],
      source: 'cli',
      reporter: alice,
    });
    // The status reminder's due time is in the view once the workflow has its policy: from then on
    // both reminders are scheduled.
    const declared = await eventually(async () => {
      const view = await getIncidentView(first, key);
      return view.phase === 'triage' && view.statusUpdateDueAt !== undefined && view;
    }, 10_000, 'triage with reminders scheduled');
    await first.stop();
    const stoppedAt = Date.now();
    // The scenario needs real time to pass (a real server, no time-skipping): SEV1's no-commander
    // nudge (3 s) and status reminder (4 s, the later) fall due while nothing runs.
    const lastDue = Date.parse(declared.statusUpdateDueAt!);
    await new Promise((r) => setTimeout(r, Math.max(0, lastDue - Date.now()) + 500));
    const remindersSince = async (db: TestSystem['database']['db'], since: number) =>
      (await db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key))).filter(
        (e) => e.kind === 'reminder' && e.occurredAt.getTime() >= since,
      );
    expect(await remindersSince(system.database.db, stoppedAt)).toHaveLength(0);
    const second = await startTestSystem({ taskQueue });
    const restartedAt = Date.now();
    try {
      // Only reminders written since the restart count; how soon they come is `npm run bench:restart`.
      await eventually(async () => {
        const rows = await remindersSince(second.database.db, restartedAt);
        const kinds = new Set(rows.map((r) => r.details.reminder));
        return kinds.has('no_commander') && kinds.has('status_update') ? rows : undefined;
      }, 40_000, 'reminders after restart');
    } finally {
      await second.stop();
    }
  });
});
