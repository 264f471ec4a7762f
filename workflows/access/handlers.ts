// The grant's updates and the incident's teardown signal. Validators refuse with one sentence; each
// handler re-runs its validator in the serial queue before it writes.

import { setHandler } from '@temporalio/workflow';
import { extensionProblem, isLiveStatus } from '../../domain/access/rules.js';
import type { Action } from '../../domain/authorization/index.js';
import { formatDuration } from '../../domain/duration.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import type { UpdateDefinition } from '@temporalio/common';
import { check, enforce, handleSerially, type Decision } from '../kernel/index.js';
import { commanderChangedSignal, teardownSignal } from '../incident/messages.js';
import type { Grant } from './state.js';
import * as msg from './messages.js';
import { grantProviders } from './activities.js';

export function registerGrantHandlers(g: Grant): void {
  const { state } = g;
  const who = (a: Actor) => a.name ?? a.id;
  const refuseIf = (problem: string | undefined) => problem && g.refuse('InvalidInput', problem);
  const approvedBy = () => (state.pendingExtension?.approvals ?? state.approvals).map((a) => g.key(a.actor));
  // Facts from the grant as it is now: today's commander, who asked for the extension waiting.
  const decision = (action: Action): Decision => {
    const commander = g.commanderKey();
    const extension = state.pendingExtension;
    return {
      action,
      facts: {
        subject: state.grant,
        incident: state.incident,
        roles: commander ? { commander } : {},
        requester: g.key(state.requester),
        ...(extension ? { extensionRequester: g.key(extension.requestedBy) } : {}),
        capabilities: state.capabilities,
        approvedBy: approvedBy(),
      },
    };
  };

  function handle<I extends { actor: Actor }>(def: UpdateDefinition<msg.GrantView, [I]>, action: Action, validate: (i: I) => void, apply: (i: I) => Promise<void>): void {
    // Before the policy is loaded only the handler (in the queue) can decide; the validator defers.
    const validator = (i: I) => {
      if (!g.policyLoaded || i.actor.source === 'system') return;
      validate(i);
      check(g.policy(), i.actor, decision(action));
    };
    handleSerially(g.serialQueue, def, validator, async (i: I) => {
      if (g.policyLoaded && i.actor.source !== 'system') validate(i);
      await enforce(g.policy(), i.actor, decision(action), { subject: state.grant, incident: state.incident });
      await apply(i);
      return g.view();
    });
  }

  const decidable = (verb: string) => {
    if (state.status !== 'pending' && !(state.status === 'active' && state.pendingExtension)) {
      g.refuse('IllegalTransition', `${state.grant} is ${state.status.replace('_', ' ')}; there is nothing to ${verb}.`);
    }
  };

  handle(
    msg.approveUpdate,
    'approveAccess',
    () => decidable('approve'),
    async (i) => {
      const at = new Date().toISOString();
      const ext = state.pendingExtension;
      const approvals = [...(ext?.approvals ?? state.approvals), { actor: i.actor, at }];
      if (ext) ext.approvals = approvals;
      else state.approvals = approvals;
      const what = ext ? `the extension of ${state.grant}` : state.grant;
      await g.record(ext ? 'approve_extension' : 'approve', i.actor, `${who(i.actor)} approved ${what} (${approvals.length}/${state.quorum})`, ext ? {} : { approvals }, { reason: i.reason ?? null });
      g.notify({ kind: 'decided', key: g.noticeKey(`${approvals.length}:approved${ext ? ':ext' : ''}`), decision: 'approved', by: i.actor });
      if (approvals.length < state.quorum) return;
      if (ext) await applyExtension(g, ext.seconds, i.actor);
      else await g.activate(i.actor);
    },
  );

  handle(
    msg.denyUpdate,
    'denyAccess',
    () => decidable('deny'),
    async (i) => {
      const reason = i.reason?.trim() || `denied by ${who(i.actor)}`;
      if (state.status === 'pending') return g.end('denied', i.actor, reason);
      state.pendingExtension = undefined;
      await g.record('deny_extension', i.actor, `${who(i.actor)} denied the extension of ${state.grant}: ${reason}`, {}, { reason });
      g.notify({ kind: 'decided', key: g.noticeKey(`ext-denied:${state.expiresAt}`), decision: 'denied', by: i.actor });
    },
  );

  handle(
    msg.revokeUpdate,
    'revokeAccess',
    () => {
      if (!isLiveStatus(state.status)) g.refuse('IllegalTransition', `${state.grant} has already ${state.status === 'timed_out' ? 'timed out' : `been ${state.status}`}.`);
    },
    (i) => g.end('revoked', i.actor, i.reason?.trim() || `revoked by ${who(i.actor)}`),
  );

  handle(
    msg.extendUpdate,
    'extendAccess',
    (i) => {
      if (state.status !== 'active') g.refuse('IllegalTransition', `${state.grant} is ${state.status.replace('_', ' ')}; only an active grant can be extended.`);
      if (state.pendingExtension) g.refuse('IllegalTransition', `An extension of ${state.grant} is already waiting for approval.`);
      const granted = (Date.parse(state.expiresAt!) - Date.parse(state.activatedAt!)) / 1000;
      refuseIf(extensionProblem(g.policy(), state.capabilities, Math.round(granted), i.seconds, state.grant));
    },
    async (i) => {
      if (!g.requirement().needsApproval) return applyExtension(g, i.seconds, i.actor);
      // Past what the policy grants without asking, so the approvers decide again.
      state.pendingExtension = { seconds: i.seconds, requestedBy: i.actor, ...(i.reason ? { reason: i.reason } : {}), approvals: [] };
      await g.record('request_extension', i.actor, `${who(i.actor)} asked to extend ${state.grant} by ${formatDuration(i.seconds)}`, {}, { seconds: i.seconds, reason: i.reason ?? null });
      g.askApprovers(0);
    },
  );

  setHandler(commanderChangedSignal, ({ commander }) => {
    g.commander = commander;
  });

  setHandler(teardownSignal, ({ reason }) => {
    void g.serially(() => g.end('revoked', SYSTEM_ACTOR, reason));
  });

  setHandler(msg.stateQuery, () => g.view());
}

async function applyExtension(g: Grant, seconds: number, by: Actor): Promise<void> {
  const s = g.state;
  const expiresAt = new Date(Date.parse(s.expiresAt!) + seconds * 1000).toISOString();
  const tokens = await grantProviders.extendGrant({ grant: s.grant, incident: s.incident, requester: s.requester, targets: g.targets(), expiresAt });
  const credentialRefs = [...s.credentials.filter((c) => c.provider !== 'token'), ...tokens];
  s.pendingExtension = undefined;
  await g.record('extend', by, `${s.grant} extended by ${formatDuration(seconds)}, until ${expiresAt}`, { expiresAt, credentialRefs }, { seconds, by });
  g.notify({ kind: 'decided', key: g.noticeKey(`extended:${expiresAt}`), decision: 'extended', by });
}
