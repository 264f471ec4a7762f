// The sandbox's query, the incident's signals (teardown, today's commander) and the extend and
// destroy updates, each decided by the policy decision point from the requester and the commander.

import { condition, patched, setHandler } from '@temporalio/workflow';
import { actorKey, resolveActor } from '../../domain/authorization/index.js';
import { formatDuration } from '../../domain/duration.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { commanderChangedSignal, teardownSignal } from '../incident/messages.js';
import { DECISION_POINT_PATCH, enforce } from '../kernel/index.js';
import { persistence, sandboxServer } from './activities.js';
import { destroySandboxUpdate, extendSandboxUpdate, stateQuery, type SandboxActorInput } from './messages.js';
import type { Sandbox } from './state.js';

/** The policy decision point on this sandbox, from its requester and today's commander. */
async function authorize(sb: Sandbox, actor: Actor, action: 'extendSandbox' | 'destroySandbox'): Promise<void> {
  if (actor.source === 'system' || !patched(DECISION_POINT_PATCH)) return;
  const policy = sb.policies.peek() ?? sb.policies.keep(sb.input.policySnapshot ?? (await persistence.loadPolicy()));
  const commander = sb.commander ? resolveActor(policy, sb.commander) : undefined;
  const facts = {
    subject: sb.input.sandbox,
    incident: sb.input.incident,
    requester: actorKey(resolveActor(policy, sb.input.requester)),
    roles: commander && commander.kind !== 'system' ? { commander: actorKey(commander) } : {},
  };
  await enforce(policy, actor, { action, facts }, { subject: sb.input.sandbox, incident: sb.input.incident });
}

export function registerSandboxHandlers(sb: Sandbox): void {
  const { state, input } = sb;
  setHandler(stateQuery, () => sb.view());
  setHandler(teardownSignal, ({ reason }) => sb.requestTeardown(SYSTEM_ACTOR, reason));
  setHandler(commanderChangedSignal, ({ commander }) => {
    sb.commander = commander;
  });
  setHandler(
    destroySandboxUpdate,
    async (i) => {
      await authorize(sb, i.actor, 'destroySandbox');
      sb.requestTeardown(i.actor, i.reason?.trim() || 'destroyed on request');
      await condition(() => !sb.live && state.status !== 'tearing_down');
      return sb.view();
    },
    {
      validator: (_i: SandboxActorInput) => {
        if (!sb.live) sb.refuse('IllegalTransition', `${input.sandbox} is already ${state.status.replace('_', ' ')}.`);
      },
    },
  );
  setHandler(
    extendSandboxUpdate,
    async (i) => {
      await authorize(sb, i.actor, 'extendSandbox');
      const expiresAt = new Date(Date.parse(state.expiresAt!) + i.seconds * 1000).toISOString();
      await sandboxServer.extendSandboxCredentials({ sandbox: input.sandbox, validUntil: expiresAt });
      await sb.record('sandbox.extend', i.actor, `${input.sandbox} extended by ${formatDuration(i.seconds)} until ${expiresAt}`, { expiresAt });
      return sb.view();
    },
    {
      validator: (i) => {
        if (state.status !== 'ready') sb.refuse('IllegalTransition', `${input.sandbox} is ${state.status.replace('_', ' ')}; only a ready sandbox can be extended.`);
        if (!(i.seconds > 0)) sb.refuse('InvalidInput', 'Extend by a positive duration, e.g. `1h`.');
        const life = (Date.parse(state.expiresAt!) + i.seconds * 1000 - Date.parse(state.readyAt!)) / 1000;
        if (life > input.maxTtlSeconds) sb.refuse('InvalidInput', `${input.sandbox} may live at most ${formatDuration(input.maxTtlSeconds)}; that extension would make it ${formatDuration(life)}.`);
      },
    },
  );
}
