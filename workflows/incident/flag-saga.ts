// Rolling flags back as a saga inside the incident workflow: each flag is prepared (target from its
// history), switched, read back and recorded; if one fails, the flags already switched are returned
// to their earlier state, newest first, and the incident's timeline says so.

import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { log, sleep } from '@temporalio/workflow';
import { changeNote, compensations, flagChildId, onOff, type AppliedStep, type FlagRef, type PlannedFlag } from '../../domain/flags.js';
import type { Actor } from '../../domain/incident.js';
import { flagRows, flagSteps } from './activities.js';
import type { IncidentRuntime } from './state.js';
import type { FlagOutcome, FlagResult } from './messages.js';

export interface SagaContext {
  actor: Actor;
  reason: string;
  emergency: boolean;
  approvedBy?: Actor;
}

export function refOf(p: FlagRef): FlagRef {
  return { provider: p.provider, project: p.project, environment: p.environment, flag: p.flag };
}

export function failureText(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export function setChild(rt: IncidentRuntime, ref: FlagRef, status: string, summary: string): void {
  const child = { kind: 'flag' as const, id: flagChildId(ref), status, summary, needsTeardown: false };
  const i = rt.state.children.findIndex((c) => c.kind === 'flag' && c.id === child.id);
  if (i >= 0) rt.state.children[i] = child;
  else rt.state.children.push(child);
  rt.version++;
}

export function findChild(rt: IncidentRuntime, ref: Pick<FlagRef, 'flag' | 'environment'>) {
  return rt.state.children.find((c) => c.kind === 'flag' && c.id === flagChildId(ref));
}

/** A change note keyed by the incident event that records it, so a retried step finds its own change. */
function noteFor(rt: IncidentRuntime, ref: FlagRef, actor: Actor, reason: string) {
  return { text: changeNote(rt.state.key, rt.personKey(actor), reason), key: `${rt.state.key}/${ref.flag}/${rt.state.nextEventSeq}` };
}

export async function saveRow(rt: IncidentRuntime, p: PlannedFlag, fields: { status: string; targetEnabled: boolean; previousEnabled?: boolean; changed?: boolean; ctx: SagaContext; rolledBackAt?: string; restoredAt?: string }): Promise<void> {
  const { ctx } = fields;
  await flagRows.saveFlagRollback({
    at: new Date().toISOString(),
    row: {
      incidentKey: rt.state.key,
      ...refOf(p),
      service: p.service,
      status: fields.status,
      previousEnabled: fields.previousEnabled ?? null,
      targetEnabled: fields.targetEnabled,
      changed: fields.changed ?? false,
      requestedBy: ctx.actor,
      ...(ctx.approvedBy ? { approvedBy: ctx.approvedBy } : {}),
      emergency: ctx.emergency,
      reason: ctx.reason,
      ...(fields.rolledBackAt ? { rolledBackAt: fields.rolledBackAt } : {}),
      ...(fields.restoredAt ? { restoredAt: fields.restoredAt } : {}),
    },
  });
}

async function rollbackOne(rt: IncidentRuntime, p: PlannedFlag, ctx: SagaContext): Promise<{ outcome: FlagOutcome; applied?: AppliedStep }> {
  const ref = refOf(p);
  const prep = await flagSteps.prepareFlagRollback({ ref, killSwitch: p.killSwitch, startedAt: rt.state.declaredAt });
  if (!prep.target.ok) throw ApplicationFailure.create({ type: 'FlagNoTarget', message: prep.target.reason, nonRetryable: true });
  const target = prep.target.enabled;
  const result = await flagSteps.applyFlagChange({ ref, enabled: target, note: noteFor(rt, ref, ctx.actor, ctx.reason) });
  const text = result.changed
    ? `Rolled back ${p.flag} in ${p.environment}: ${onOff(result.from)} → ${onOff(target)} (${prep.target.because}). Reason: ${ctx.reason}`
    : `${p.flag} in ${p.environment} was already ${onOff(target)}; nothing to roll back. Reason: ${ctx.reason}`;
  const at = await rt.record('child', ctx.actor, text, {
    auditAction: 'flag.rollback',
    details: { flag: refOf(p), service: p.service, from: result.from, to: target, changed: result.changed, because: prep.target.because, reason: ctx.reason, emergency: ctx.emergency, ...(ctx.approvedBy ? { approvedBy: ctx.approvedBy } : {}) },
  });
  setChild(rt, ref, 'rolled back', `${onOff(target)} since ${at} (was ${onOff(result.from)}) by ${rt.personKey(ctx.actor)}: ${ctx.reason}`);
  await saveRow(rt, p, { status: 'rolled back', targetEnabled: target, previousEnabled: result.from, changed: result.changed, ctx, rolledBackAt: at });
  const outcome: FlagOutcome = { flag: p.flag, environment: p.environment, provider: p.provider, status: 'rolled back', text };
  return { outcome, ...(result.changed ? { applied: { ref, from: result.from, to: target } } : {}) };
}

/** Runs the saga; a failure restores what it changed and is reported, not thrown. */
export async function rollbackSaga(rt: IncidentRuntime, plan: PlannedFlag[], ctx: SagaContext): Promise<FlagResult> {
  const applied: AppliedStep[] = [];
  const outcomes: FlagOutcome[] = [];
  for (const p of plan) {
    try {
      const step = await rollbackOne(rt, p, ctx);
      outcomes.push(step.outcome);
      if (step.applied) applied.push(step.applied);
    } catch (err) {
      const reason = failureText(err);
      const text = `Rollback of ${p.flag} in ${p.environment} failed: ${reason}`;
      await rt.record('child', ctx.actor, text, { auditAction: 'flag.rollback_failed', details: { flag: refOf(p), error: reason, reason: ctx.reason } });
      setChild(rt, p, 'failed', text);
      outcomes.push({ flag: p.flag, environment: p.environment, provider: p.provider, status: 'failed', text });
      const undone = await compensate(rt, plan, applied, p.flag, ctx);
      const tail = undone.length ? ` ${undone.join(', ')} ${undone.length === 1 ? 'was' : 'were'} restored.` : '';
      return { ok: false, text: `${text}.${tail}`, flags: outcomes };
    }
  }
  for (const p of plan) scheduleVerification(rt, p, ctx.actor);
  return { ok: true, text: outcomes.map((o) => o.text).join('\n'), flags: outcomes };
}

async function compensate(rt: IncidentRuntime, plan: PlannedFlag[], applied: AppliedStep[], failed: string, ctx: SagaContext): Promise<string[]> {
  const undone: string[] = [];
  for (const step of compensations(applied)) {
    const p = plan.find((x) => x.flag === step.ref.flag && x.environment === step.ref.environment)!;
    const why = `saga compensation: ${failed} could not be rolled back`;
    try {
      await flagSteps.applyFlagChange({ ref: step.ref, enabled: step.to, note: noteFor(rt, step.ref, ctx.actor, why) });
      const at = await rt.record('child', ctx.actor, `Restored ${step.ref.flag} in ${step.ref.environment} to ${onOff(step.to)} because ${failed} could not be rolled back.`, {
        auditAction: 'flag.compensate',
        details: { flag: step.ref, to: step.to, failed },
      });
      setChild(rt, step.ref, 'restored', `${onOff(step.to)} again since ${at}: ${why}`);
      await saveRow(rt, p, { status: 'restored', targetEnabled: step.from, previousEnabled: step.to, changed: true, ctx, restoredAt: at });
      undone.push(step.ref.flag);
    } catch (err) {
      // The person must know a flag is left changed; the incident keeps it for the resolve question.
      await rt.record('child', ctx.actor, `Could not restore ${step.ref.flag} in ${step.ref.environment} after ${failed} failed: ${failureText(err)}. It is still ${onOff(step.from)}; use \`flag restore ${step.ref.flag}\`.`, {
        auditAction: 'flag.compensate_failed',
        details: { flag: step.ref, error: failureText(err) },
      });
    }
  }
  return undone;
}

/** After the policy's delay, compares the service's error rate at the rollback and now (beside the queue). */
function scheduleVerification(rt: IncidentRuntime, p: PlannedFlag, actor: Actor): void {
  if (p.verifyAfterSeconds === undefined || !p.errorRateQuery) return;
  const query = p.errorRateQuery;
  const before = new Date().toISOString();
  rt.track(
    sleep(p.verifyAfterSeconds * 1000)
      .then(() => flagSteps.checkErrorRate({ query, before, after: new Date().toISOString() }))
      .then((verdict) =>
        rt.serially(() =>
          rt.record('child', actor, `After rolling back ${p.flag}: ${verdict.text}.`, { details: { flag: refOf(p), verification: verdict } }),
        ),
      )
      .catch((err: unknown) => log.warn('flag verification failed', { incident: rt.state.key, flag: p.flag, error: failureText(err) })),
  );
}
