// `invite @user`, `private`, `public` and `status` of a private incident. The incident decides who
// may add people and change privacy (the decision point); this only translates. `status` of a
// private incident tells a non-member that it exists and whom to ask, nothing more.

import type { Command, PersonRef } from '../../domain/commands/types.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import { incidentActors, isIncidentMember } from '../../domain/policy/privacy-rules.js';
import * as msg from '../../workflows/incident/messages.js';
import { incidentHandle, requestUpdateId, CommandRefused } from '../workflow-client.js';
import type { CommandContext, Reply } from './context.js';

function personOf(ctx: CommandContext, person: PersonRef): Actor {
  if (person.kind === 'slack') return { source: 'slack', id: person.id, ...(person.label ? { name: person.label } : {}) };
  return { source: ctx.source, id: person.handle, name: person.handle };
}

function incidentOf(ctx: CommandContext): string {
  if (!ctx.incident) throw new CommandRefused('Which incident? Name it, e.g. `INC-12 invite @alice`, or run the command in its channel or issue.');
  return ctx.incident;
}

export async function runPrivacyCommand(ctx: CommandContext, command: Extract<Command, { kind: 'invite' | 'privacy' }>): Promise<Reply> {
  const incident = incidentOf(ctx);
  const handle = incidentHandle(ctx, incident);
  const result =
    command.kind === 'invite'
      ? await handle.executeUpdate(msg.inviteUpdate, { args: [{ actor: ctx.actor, person: personOf(ctx, command.person) }], updateId: requestUpdateId(ctx.idempotencyKey, msg.inviteUpdate) })
      : await handle.executeUpdate(msg.setPrivacyUpdate, { args: [{ actor: ctx.actor, private: command.private }], updateId: requestUpdateId(ctx.idempotencyKey, msg.setPrivacyUpdate) });
  return { ok: true, text: `${incident}: ${result.text}.`, incident };
}

/** Whether the asking person may see this incident; without a policy only people it names directly. */
export function maySee(policy: Policy | undefined, view: msg.IncidentView, actor: Actor): boolean {
  if (view.private !== true) return true;
  if (policy) return isIncidentMember(policy, view, actor);
  return incidentActors(view).some((a) => a.source === actor.source && a.id === actor.id);
}

/** What `status` answers: the incident for those who may see it, else only that it exists and whom to ask. */
export function status(ctx: CommandContext, view: msg.IncidentView): Reply {
  if (maySee(ctx.policy, view, ctx.actor)) return { ok: true, text: '', incident: view.key, view };
  const commander = view.roles.commander;
  const who = commander ?? view.reporter;
  const name = (ctx.policy && findPersonByActor(ctx.policy, who)?.name) ?? who.name ?? who.id;
  const role = commander ? 'its commander' : 'the person who declared it';
  return { ok: true, text: `${view.key} is private. Ask ${role}, ${name}, to add you with \`invite @you\`.` };
}
