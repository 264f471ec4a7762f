// The comment commands that are one update of the incident (severity, roles, status updates,
// notes, mitigated, resolve, reopen): translated here into the update to send, which the
// delivery's workflow sends and replies about; the webhook answers once that workflow has started,
// without waiting for the incident (issue 16: acceptance waits for the incident's workflow task,
// its own writes included). Other commands run to their end before the answer
// (bots/commands/dispatch.ts), as they do from Slack and the CLI.

import type { UpdateDefinition } from '@temporalio/common';
import type { Command } from '../../domain/commands/types.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import * as msg from '../../workflows/incident/messages.js';
import type { AwaitedOutcome } from '../../workflows/github-delivery/messages.js';
import { personActor, type CommandContext } from '../commands/dispatch.js';
import { admitRequest } from '../commands/limits.js';
import { CommandRefused, requestUpdateId } from '../workflow-client.js';

/** What the delivery's workflow is handed for one comment command: the update and how to reply. */
export type UpdateToSend = Omit<AwaitedOutcome, 'repo' | 'number' | 'opening'>;

type Send = <I>(definition: UpdateDefinition<msg.IncidentView, [I]>, input: I) => UpdateToSend;

/**
 * Undefined when `command` is not one incident update, or names no incident (runCommand then
 * answers as for any front-end). A refusal known before the answer (the person's limits) is thrown
 * for the caller to reply with; the validator's and a missing incident's come in the reply.
 */
export function incidentUpdateToSend(ctx: CommandContext, command: Command): UpdateToSend | undefined {
  const incident = ctx.incident;
  if (!incident) return undefined;
  const send: Send = (definition, input) => {
    // Counted as runCommand counts every command, before anything is sent.
    const refused = admitRequest(ctx.policy, ctx.actor, 'command');
    if (refused) throw new CommandRefused(refused);
    // The update ID runCommand would use, so a redelivery finds the same update whichever ran it.
    const updateId = requestUpdateId(ctx.idempotencyKey, definition);
    const update = { update: definition.name, input };
    return { workflowId: incidentWorkflowId(incident), updateId, send: update, incident, onSuccess: definition === msg.resolveUpdate ? 'resolved' : 'incident' };
  };
  const { actor } = ctx;
  switch (command.kind) {
    case 'severity':
      return send(msg.setSeverityUpdate, { actor, severity: command.severity, reason: command.reason });
    case 'role':
      return send(msg.assignRoleUpdate, { actor, role: command.role, person: personActor(ctx, command.person) });
    case 'update':
      return send(msg.postStatusUpdate, { actor, text: command.text });
    case 'note':
      return send(msg.addNoteUpdate, { actor, text: command.text });
    case 'mitigated':
      return send(msg.markMitigatedUpdate, { actor, text: command.text });
    case 'resolve':
      return send(msg.resolveUpdate, { actor, text: command.text });
    case 'reopen':
      return send(msg.reopenUpdate, { actor, text: command.text });
    default:
      return undefined;
  }
}
