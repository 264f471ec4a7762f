// Shared by the flag tests: people, declaring an incident, running flag updates, reading the rows.

import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { declareIncident, getIncidentView, incidentHandle } from '../../bots/workflow-client.js';
import { auditLog, flagRollbacks, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import * as flags from '../../workflows/incident/messages.js';
import { eventually, type TestSystem } from './system.js';

export const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
export const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
export const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };
export const dave: Actor = { source: 'slack', id: 'U0DAVE', name: 'dave' };

export async function declareOn(system: TestSystem, services: string[], reporter: Actor = alice): Promise<string> {
  const { key } = await declareIncident(system, {
    idempotencyKey: `test:${randomUUID()}`,
    title: 'Checkout returns 502',
    severity: 'SEV2',
    services,
    source: 'slack',
    reporter,
  });
  await eventually(async () => (await getIncidentView(system, key)).phase === 'triage', 10_000, 'triage');
  return key;
}

export function rollback(system: TestSystem, incident: string, input: flags.RollbackFlagsInput) {
  return incidentHandle(system, incident).executeUpdate(flags.rollbackFlagsUpdate, { args: [input] });
}

export function flagUpdate<I>(system: TestSystem, incident: string, definition: typeof flags.restoreFlagUpdate | typeof flags.approveFlagRollbackUpdate, input: I & flags.FlagInput) {
  return incidentHandle(system, incident).executeUpdate(definition, { args: [input] });
}

export function decide(system: TestSystem, incident: string, input: flags.DecideFlagInput) {
  return incidentHandle(system, incident).executeUpdate(flags.decideFlagUpdate, { args: [input] });
}

export function listFlags(system: TestSystem, incident: string, actor: Actor) {
  return incidentHandle(system, incident).executeUpdate(flags.listFlagsUpdate, { args: [{ actor }] });
}

/** The refusal message a rejected update carries. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e as { cause?: { message?: string } },
  );
  if (!err) throw new Error('expected a refusal');
  return err.cause?.message ?? String(err);
}

export async function flagAudits(system: TestSystem, incident: string) {
  const rows = await system.database.db.select().from(auditLog).where(eq(auditLog.subject, incident)).orderBy(asc(auditLog.seq));
  return rows.filter((r) => r.action.startsWith('flag.'));
}

export async function timelineTexts(system: TestSystem, incident: string): Promise<string[]> {
  const rows = await system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, incident)).orderBy(asc(timelineEvents.id));
  return rows.map((r) => r.text);
}

export async function rollbackRow(system: TestSystem, incident: string, flag: string) {
  const [row] = await system.database.db.select().from(flagRollbacks).where(and(eq(flagRollbacks.incidentKey, incident), eq(flagRollbacks.flag, flag)));
  return row;
}
