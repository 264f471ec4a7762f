// The incident's side of feature-flag rollback: the declaration-time snapshot, `flag rollback` (a
// saga, approved by a second person where the policy asks for it, or bypassed in an emergency),
// `flag restore`, and on resolve the question what to do with each flag still rolled back.

import { condition, log, setHandler } from '@temporalio/workflow';
import { FLAG_QUESTION, findFlag, isEmergency, onOff, withoutEmergency, type PlannedFlag } from '../../domain/flags.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { isActivePhase } from '../../domain/lifecycle.js';
import * as flagMsg from './messages.js';
import { flagSteps } from './activities.js';
import { failureText, findChild, refOf, rollbackSaga, saveRow, setChild, type SagaContext } from './flag-saga.js';
import type { IncidentRuntime } from './state.js';

export function registerFlagHandlers(rt: IncidentRuntime): void {
  const { state } = rt;

  const plan = (flags: string[], environment?: string): PlannedFlag[] =>
    flags.map((flag) => {
      const found = findFlag(rt.policy(), state.services, flag, environment);
      if (!found.ok) rt.refuse('InvalidInput', found.reason);
      return found.flag;
    });

  const requireChild = (i: flagMsg.FlagInput, statuses: string[], what: string) => {
    const ref = rt.policyLoaded ? plan([i.flag], i.environment)[0]! : undefined;
    const child = ref ? findChild(rt, ref) : undefined;
    if (ref && (!child || !statuses.includes(child.status))) {
      rt.refuse('InvalidInput', `${i.flag} in ${ref.environment} has no ${what} in ${rt.name}${child ? ` (it is ${child.status})` : ''}; \`flag list\` shows its flags.`);
    }
  };

  rt.handle<flagMsg.RollbackFlagsInput, flagMsg.FlagResult>(
    flagMsg.rollbackFlagsUpdate,
    (i) => {
      if (!isActivePhase(state.phase)) rt.refuse('IllegalTransition', `${rt.name} is ${state.phase}; flags are rolled back only while an incident is active.`);
      if (i.flags.length === 0 || new Set(i.flags).size !== i.flags.length) rt.refuse('InvalidInput', 'Name each flag to roll back once.');
      if (rt.policyLoaded) plan(i.flags, i.environment);
    },
    async (i) => {
      const flags = plan(i.flags, i.environment);
      const ctx: SagaContext = { actor: i.actor, reason: withoutEmergency(i.reason) ?? `rolled back during ${rt.name}`, emergency: emergencyOf(i) };
      const gated = flags.filter((f) => f.approvalRequired);
      if (gated.length > 0 && ctx.emergency) {
        await rt.record('child', i.actor, `Emergency bypass by ${rt.personKey(i.actor)}: rolling back ${gated.map((f) => f.flag).join(', ')} without approval. Reason: ${ctx.reason}`, {
          auditAction: 'flag.emergency_bypass',
          details: { flags: gated.map(refOf), reason: ctx.reason },
        });
      } else if (gated.length > 0) {
        return requestApproval(rt, flags, ctx);
      }
      return rollbackSaga(rt, flags, ctx);
    },
    (i) => [rt.decision('rollbackFlag'), ...(emergencyOf(i) ? [rt.decision('emergencyBypass')] : [])],
  );

  rt.handle<flagMsg.FlagInput, flagMsg.FlagResult>(
    flagMsg.approveFlagRollbackUpdate,
    (i) => requireChild(i, ['awaiting approval'], 'rollback waiting for approval'),
    async (i) => {
      const p = plan([i.flag], i.environment)[0]!;
      const row = await flagSteps.getFlagRollback({ incident: state.key, flag: p.flag, environment: p.environment });
      if (!row) return rt.refuse('InvalidInput', `${p.flag} has no rollback waiting for approval.`);
      if (rt.personKey(row.requestedBy) === rt.personKey(i.actor)) rt.refuse('NotAllowed', `You cannot approve your own rollback of ${p.flag}; another person allowed to roll back flags must.`);
      if (!isActivePhase(state.phase)) rt.refuse('IllegalTransition', `${rt.name} is ${state.phase}; the rollback of ${p.flag} is no longer needed.`);
      await rt.record('child', i.actor, `${rt.personKey(i.actor)} approved the rollback of ${p.flag} in ${p.environment}.`, { auditAction: 'flag.approve', details: { flag: refOf(p), requestedBy: row.requestedBy } });
      return rollbackSaga(rt, [p], { actor: row.requestedBy, reason: row.reason, emergency: false, approvedBy: i.actor });
    },
    () => rt.decision('rollbackFlag'),
  );

  rt.handle<flagMsg.FlagInput, flagMsg.FlagResult>(
    flagMsg.restoreFlagUpdate,
    (i) => requireChild(i, ['rolled back', 'awaiting decision', 'kept'], 'rollback to restore'),
    (i) => restore(rt, plan([i.flag], i.environment)[0]!, i.actor, 'flag.restore'),
    () => rt.decision('restoreFlag'),
  );

  rt.handle<flagMsg.DecideFlagInput, flagMsg.FlagResult>(
    flagMsg.decideFlagUpdate,
    (i) => {
      if (i.decision !== 'keep' && i.decision !== 'restore') rt.refuse('InvalidInput', 'Decide `keep` or `restore`.');
      requireChild(i, ['awaiting decision', 'rolled back'], 'rollback to decide on');
    },
    (i) => (i.decision === 'restore' ? restore(rt, plan([i.flag], i.environment)[0]!, i.actor, 'flag.restore') : keep(rt, plan([i.flag], i.environment)[0]!, i.actor)),
    (i) => rt.decision(i.decision === 'restore' ? 'restoreFlag' : 'keepFlag'),
  );

  // A read, not a change: it skips the serial queue so a slow rollback does not hold up `flag list`.
  setHandler(flagMsg.listFlagsUpdate, () => flagSteps.listIncidentFlags({ incident: state.key, services: state.services }));

  void askOnResolve(rt);
}

function emergencyOf(i: flagMsg.RollbackFlagsInput): boolean {
  return i.emergency === true || isEmergency(i.reason);
}

async function requestApproval(rt: IncidentRuntime, flags: PlannedFlag[], ctx: SagaContext): Promise<flagMsg.FlagResult> {
  const names = flags.map((f) => f.flag).join(', ');
  const text = `${rt.personKey(ctx.actor)} asked to roll back ${names}; the policy needs another person allowed to roll back flags to approve by running \`flag rollback ${flags[0]!.flag}\` too, or an \`emergency:\` bypass. Reason: ${ctx.reason}`;
  await rt.record('child', ctx.actor, text, { auditAction: 'flag.rollback_requested', details: { flags: flags.map(refOf), reason: ctx.reason } });
  for (const p of flags) {
    setChild(rt, p, 'awaiting approval', `requested by ${rt.personKey(ctx.actor)}: ${ctx.reason}`);
    await saveRow(rt, p, { status: 'awaiting approval', targetEnabled: false, ctx });
  }
  return { ok: true, text, flags: flags.map((p) => ({ flag: p.flag, environment: p.environment, provider: p.provider, status: 'awaiting approval', text })) };
}

async function restore(rt: IncidentRuntime, p: PlannedFlag, actor: Actor, auditAction: string): Promise<flagMsg.FlagResult> {
  const row = await flagSteps.getFlagRollback({ incident: rt.state.key, flag: p.flag, environment: p.environment });
  if (!row || row.previousEnabled === null) return rt.refuse('InvalidInput', `${p.flag} has no rollback to restore.`);
  const ctx: SagaContext = { actor, reason: `restore after ${rt.name}`, emergency: false };
  let text: string;
  if (row.changed) {
    try {
      const note = { text: `Firebreak ${rt.name} by ${rt.personKey(actor)}: restore`, key: `${rt.state.key}/${p.flag}/${rt.state.nextEventSeq}` };
      await flagSteps.applyFlagChange({ ref: refOf(p), enabled: row.previousEnabled, note });
    } catch (err) {
      return rt.refuse('FlagRestoreFailed', `${p.flag} could not be restored: ${failureText(err)}`);
    }
    text = `Restored ${p.flag} in ${p.environment} to ${onOff(row.previousEnabled)}.`;
  } else {
    text = `${p.flag} in ${p.environment} was already ${onOff(row.targetEnabled)} before the rollback; nothing to restore.`;
  }
  const at = await rt.record('child', actor, text, { auditAction, details: { flag: refOf(p), to: row.previousEnabled, changed: row.changed } });
  setChild(rt, p, 'restored', `${onOff(row.previousEnabled)} again since ${at} (${rt.personKey(actor)})`);
  await saveRow(rt, p, { status: 'restored', targetEnabled: row.targetEnabled, previousEnabled: row.previousEnabled, changed: row.changed, ctx: { ...ctx, actor: row.requestedBy, reason: row.reason }, restoredAt: at });
  return { ok: true, text, flags: [{ flag: p.flag, environment: p.environment, provider: p.provider, status: 'restored', text }] };
}

async function keep(rt: IncidentRuntime, p: PlannedFlag, actor: Actor): Promise<flagMsg.FlagResult> {
  const row = await flagSteps.getFlagRollback({ incident: rt.state.key, flag: p.flag, environment: p.environment });
  const state = row ? onOff(row.targetEnabled) : 'as it is';
  const text = `${rt.personKey(actor)} decided to keep ${p.flag} in ${p.environment} ${state}.`;
  const at = await rt.record('child', actor, text, { auditAction: 'flag.keep', details: { flag: refOf(p) } });
  setChild(rt, p, 'kept', `${state} — kept by ${rt.personKey(actor)} at ${at}`);
  if (row) await saveRow(rt, p, { status: 'kept', targetEnabled: row.targetEnabled, previousEnabled: row.previousEnabled ?? undefined, changed: row.changed, ctx: { actor: row.requestedBy, reason: row.reason, emergency: row.emergency } });
  return { ok: true, text, flags: [{ flag: p.flag, environment: p.environment, provider: p.provider, status: 'kept', text }] };
}

/**
 * Nothing is re-enabled silently: when the incident resolves with flags still rolled back, it asks
 * the commander, once per resolve, to keep or restore each. An unanswered question stays listed.
 */
async function askOnResolve(rt: IncidentRuntime): Promise<void> {
  const open = () => rt.state.children.filter((c) => c.kind === 'flag' && c.status === 'rolled back');
  for (;;) {
    await condition(() => rt.state.phase === 'resolved' && open().length > 0);
    await rt
      .serially(async () => {
        const flags = open();
        if (rt.state.phase !== 'resolved' || flags.length === 0) return;
        for (const c of flags) rt.state.children[rt.state.children.indexOf(c)] = { ...c, status: 'awaiting decision' };
        const who = rt.state.roles.commander?.name ?? 'the commander';
        await rt.record('child', SYSTEM_ACTOR, `${FLAG_QUESTION} ${flags.map((c) => c.id).join(', ')}? ${rt.name} is resolved with ${flags.length === 1 ? 'this flag' : 'these flags'} still rolled back; ${who}, decide with \`flag restore FLAG\` or keep it.`, {
          details: { question: 'flag-decision', flags: flags.map((c) => c.id) },
        });
      })
      .catch((err: unknown) => log.warn('flag question failed', { incident: rt.state.key, error: String(err) }));
  }
}

/** Declaration-time snapshot of the affected services' flags, beside the queue like triage context. */
export function snapshotFlags(rt: IncidentRuntime): void {
  const { state } = rt;
  rt.track(
    flagSteps
      .snapshotIncidentFlags({ incident: state.key, services: state.services, at: state.declaredAt })
      .then((found) => (found.text ? rt.serially(() => rt.record('context', SYSTEM_ACTOR, found.text, { details: { flags: found.flags } })) : undefined))
      .catch((err: unknown) => log.warn('flag snapshot failed', { incident: state.key, error: String(err) })),
  );
}
