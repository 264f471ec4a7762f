// `flag …` commands for every front-end. They all go to the incident workflow, which runs the saga;
// a second person's `flag rollback FLAG` on a rollback waiting for approval approves it.

import type { Command } from '../../domain/commands/types.js';
import { findFlag, flagChildId, isEmergency, onOff } from '../../domain/flags.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as flags from '../../workflows/incident/messages.js';
import { CommandRefused, getIncidentView, incidentHandle, type TemporalContext } from '../workflow-client.js';

export type FlagCommand = Extract<Command, { kind: `flag-${string}` }>;

export interface FlagCommandContext extends TemporalContext {
  actor: Actor;
  incident?: string;
  /** Makes a rollback idempotent: a retried Slack command or redelivered comment runs it once. */
  idempotencyKey: string;
  /** Resolves the flag's environment for the approval check; without it the policy default is assumed. */
  policy?: Policy;
}

export interface FlagReply {
  ok: boolean;
  text: string;
  incident?: string;
}

export async function runFlagCommand(ctx: FlagCommandContext, command: FlagCommand): Promise<FlagReply> {
  const incident = ctx.incident;
  if (!incident) throw new CommandRefused('Flags are rolled back inside an incident: run `flag …` in its channel or issue, or name it, e.g. `INC-12 flag list`.');
  const handle = incidentHandle(ctx, incident);
  switch (command.kind) {
    case 'flag-rollback': {
      const view = await getIncidentView(ctx, incident);
      // Running the same single-flag rollback while it waits for approval is the approval.
      const [only] = command.flags.length === 1 ? command.flags : [];
      const env = only === undefined ? undefined : (command.environment ?? (ctx.policy ? lookupEnv(ctx.policy, view.services, only) : undefined));
      const waiting =
        only !== undefined &&
        view.flagChanges.find((c) => c.status === 'awaiting approval' && (env ? c.id === flagChildId({ flag: only, environment: env }) : c.id.startsWith(`${only}@`)));
      const result = waiting
        ? await handle.executeUpdate(flags.approveFlagRollbackUpdate, { args: [{ actor: ctx.actor, flag: only!, environment: command.environment }], updateId: `flag:${ctx.idempotencyKey}` })
        : await handle.executeUpdate(flags.rollbackFlagsUpdate, {
            args: [{ actor: ctx.actor, flags: command.flags, environment: command.environment, reason: command.reason, emergency: isEmergency(command.reason) }],
            updateId: `flag:${ctx.idempotencyKey}`,
          });
      return { ok: result.ok, text: result.text, incident };
    }
    case 'flag-restore': {
      const result = await handle.executeUpdate(flags.restoreFlagUpdate, { args: [{ actor: ctx.actor, flag: command.flag }], updateId: `flag:${ctx.idempotencyKey}` });
      return { ok: result.ok, text: result.text, incident };
    }
    case 'flag-list':
      return { ok: true, text: renderFlagList(await handle.executeUpdate(flags.listFlagsUpdate, { args: [{ actor: ctx.actor }], updateId: `flag-list:${ctx.idempotencyKey}` })), incident };
  }
}

function lookupEnv(policy: Policy, services: string[], flag: string): string | undefined {
  const found = findFlag(policy, services, flag);
  return found.ok ? found.flag.environment : undefined;
}

/** One line per flag: at declaration → now, what the incident did, and its latest changes. */
export function renderFlagList(listing: flags.FlagListing[]): string {
  if (listing.length === 0) return 'No flags for this incident: its services list none in the policy, or no flag system is connected.';
  return listing
    .map((f) => {
      const head = `${f.flag} (${f.provider}, ${f.environment}): ${f.atDeclaration === undefined ? '?' : onOff(f.atDeclaration)} at declaration, ${f.now === undefined ? 'unreadable' : onOff(f.now)} now${f.status ? `, ${f.status}` : ''}`;
      const changes = f.recent
        .slice()
        .reverse()
        .map((c) => `    ${c.at.slice(0, 19).replace('T', ' ')}Z turned ${onOff(c.enabled)} by ${c.by}${c.note ? ` — ${c.note}` : ''}`);
      return [head, ...(f.error ? [`    (${f.error})`] : []), ...changes].join('\n');
    })
    .join('\n');
}
