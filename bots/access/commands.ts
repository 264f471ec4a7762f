// `access …` commands for every front-end: a request goes to the incident (which starts the grant),
// decisions go straight to the grant workflow `grant:GR-N`.

import { WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Command } from '../../domain/commands/types.js';
import { formatDuration } from '../../domain/duration.js';
import { grantWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import * as access from '../../workflows/access/messages.js';
import * as incidentMsg from '../../workflows/incident/messages.js';
import { CommandRefused, incidentHandle, requestUpdateId, toRefusal, type TemporalContext } from '../workflow-client.js';

export type AccessCommand = Extract<Command, { kind: `access-${string}` }>;

export interface AccessCommandContext extends TemporalContext {
  actor: Actor;
  incident?: string;
  /** Makes a request idempotent: a retried Slack command or redelivered GitHub comment finds the same grant. */
  idempotencyKey: string;
}

export interface AccessReply {
  ok: true;
  text: string;
  incident?: string;
  grant: string;
  grantView?: access.GrantView;
}

export async function runAccessCommand(ctx: AccessCommandContext, command: AccessCommand): Promise<AccessReply> {
  switch (command.kind) {
    case 'access-request':
      return requestAccess(ctx, command);
    case 'access-approve':
      return decide(ctx, command.grant, access.approveUpdate, { actor: ctx.actor, reason: command.reason });
    case 'access-deny':
      return decide(ctx, command.grant, access.denyUpdate, { actor: ctx.actor, reason: command.reason });
    case 'access-revoke':
      return decide(ctx, command.grant, access.revokeUpdate, { actor: ctx.actor, reason: command.reason });
    case 'access-extend':
      return decide(ctx, command.grant, access.extendUpdate, { actor: ctx.actor, seconds: command.durationSeconds, reason: command.reason });
  }
}

async function requestAccess(ctx: AccessCommandContext, command: Extract<AccessCommand, { kind: 'access-request' }>): Promise<AccessReply> {
  if (!ctx.incident) throw new CommandRefused('Access is granted inside an incident: run `access …` in its channel or issue, or name it, e.g. `INC-12 access read-logs 1h why`.');
  const input: incidentMsg.RequestAccessInput = {
    actor: ctx.actor,
    capabilities: command.capabilities,
    durationSeconds: command.durationSeconds,
    reason: command.reason,
    requestKey: ctx.idempotencyKey,
  };
  const result = await incidentHandle(ctx, ctx.incident).executeUpdate(incidentMsg.requestAccessUpdate, { args: [input], updateId: `access:${ctx.idempotencyKey}` });
  const what = `${command.capabilities.join(', ')} for ${formatDuration(command.durationSeconds)}`;
  const text =
    result.status === 'active'
      ? `${result.grant} is active: ${what}. Credentials arrive in a private message.`
      : result.status === 'pending'
        ? `${result.grant} is waiting for approval: ${what}${result.approvers.length ? `; asked ${result.approvers.join(', ')}` : ''}.`
        : `${result.grant} is ${result.status.replace('_', ' ')}: ${what}.`;
  return { ok: true, text, incident: ctx.incident, grant: result.grant };
}

async function decide<I>(ctx: AccessCommandContext, grant: string, definition: UpdateDefinition<access.GrantView, [I]>, input: I): Promise<AccessReply> {
  let view: access.GrantView;
  try {
    view = await ctx.client.workflow.getHandle(grantWorkflowId(grant)).executeUpdate(definition, { args: [input], updateId: requestUpdateId(ctx.idempotencyKey, definition) });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5)) {
      throw new CommandRefused(`${grant} does not exist; the incident's status lists its grants.`);
    }
    throw toRefusal(err, grant) ?? err;
  }
  return { ok: true, text: describeGrant(view), incident: view.incident, grant: view.grant, grantView: view };
}

export function describeGrant(view: access.GrantView): string {
  const caps = view.capabilities.join(', ');
  if (view.status === 'active' && view.pendingExtension) {
    return `${view.grant} (${caps}) is active until ${view.expiresAt}; its extension has ${view.pendingExtension.approvals.length}/${view.quorum} approvals.`;
  }
  if (view.status === 'active') return `${view.grant} (${caps}) is active until ${view.expiresAt}.`;
  if (view.status === 'pending') return `${view.grant} (${caps}) has ${view.approvals.length}/${view.quorum} approvals and is still pending.`;
  return `${view.grant} (${caps}) is ${view.status.replace('_', ' ')}${view.endReason ? `: ${view.endReason}` : ''}.`;
}
