// Runs one parsed command against Temporal for any front-end. Front-ends parse, build the context
// (who is asking, which incident the channel or issue implies) and render the reply.

import type { UpdateDefinition } from '@temporalio/common';
import type { Command, PersonRef } from '../../domain/commands/types.js';
import { helpText } from '../../domain/commands/usage.js';
import type { Actor } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import * as sandboxes from '../../workflows/sandbox/messages.js';
import { sandboxWorkflowId } from '../../domain/ids.js';
import { runAccessCommand } from '../access/commands.js';
import { runFlagCommand } from '../flags/commands.js';
import { runPostmortemCommand } from '../postmortem/commands.js';
import { runRulesCommand } from '../rules/commands.js';
import { runTaskCommand } from '../tasks/commands.js';
import type { Policy } from '../../domain/policy/index.js';
import { COMPONENT_STATE_TEXT } from '../../domain/statuspage.js';
import { CommandRefused, declareIncident, getIncidentView, incidentHandle, requestUpdateId, runIncidentUpdate, toRefusal, type TemporalContext } from '../workflow-client.js';
import { formatDuration } from '../../domain/duration.js';
import { listIncidents } from './list.js';
import { runPrivacyCommand, status } from './privacy.js';
import { admitRequest } from './limits.js';
import type { DeclareIncidentInput, DeclareIncidentResult } from '../../workflows/declare/messages.js';

// Who asks and what they get back, shared with the command modules this file dispatches to.
export type { CommandContext, Reply } from './context.js';
import type { CommandContext, Reply } from './context.js';

export async function runCommand(ctx: CommandContext, command: Command): Promise<Reply> {
  // Every front-end's commands pass here, so the per-person and service-wide limits are counted
  // here (declarations from the Slack form and GitHub issues go through declareAsPerson below).
  // Replies leave unredacted: each front-end redacts once where it renders (render/redaction.ts).
  const refused = command.kind === 'help' ? undefined : admitRequest(ctx.policy, ctx.actor, command.kind === 'declare' ? 'declaration' : 'command');
  if (refused) return { ok: false, text: refused };
  try {
    return await execute(ctx, command);
  } catch (err) {
    const refusal = err instanceof CommandRefused ? err : toRefusal(err, ctx.incident);
    if (refusal) return { ok: false, text: refusal.message };
    throw err;
  }
}

async function execute(ctx: CommandContext, command: Command): Promise<Reply> {
  switch (command.kind) {
    case 'help':
      return { ok: true, text: helpText(command.topic) };
    case 'declare':
      return declare(ctx, command);
    case 'list': {
      const incidents = await listIncidents(ctx, command);
      return { ok: true, text: '', incidents };
    }
    case 'status':
      return status(ctx, await getIncidentView(ctx, requireIncident(ctx)));
    case 'invite':
    case 'privacy':
      return runPrivacyCommand(ctx, command);
    case 'severity':
      return update(ctx, msg.setSeverityUpdate, { actor: ctx.actor, severity: command.severity, reason: command.reason });
    case 'role':
      return update(ctx, msg.assignRoleUpdate, { actor: ctx.actor, role: command.role, person: personActor(ctx, command.person) });
    case 'update':
      return update(ctx, msg.postStatusUpdate, { actor: ctx.actor, text: command.text });
    case 'note':
      return update(ctx, msg.addNoteUpdate, { actor: ctx.actor, text: command.text });
    case 'mitigated':
      return update(ctx, msg.markMitigatedUpdate, { actor: ctx.actor, text: command.text });
    case 'resolve':
      return withPublicIncidentHint(await update(ctx, msg.resolveUpdate, { actor: ctx.actor, text: command.text }));
    case 'reopen':
      return update(ctx, msg.reopenUpdate, { actor: ctx.actor, text: command.text });
    case 'access-request':
    case 'access-approve':
    case 'access-deny':
    case 'access-revoke':
    case 'access-extend':
      return runAccessCommand(ctx, command);
    case 'flag-rollback':
    case 'flag-restore':
    case 'flag-list':
      return runFlagCommand(ctx, command);
    case 'sandbox-create':
    case 'sandbox-recreate':
    case 'sandbox-extend':
    case 'sandbox-destroy':
      return sandbox(ctx, command);
    case 'postmortem':
    case 'postmortem-publish':
    case 'postmortem-approve':
    case 'action-add':
    case 'action-done':
    case 'action-reopen':
    case 'action-assign':
    case 'actions':
      return runPostmortemCommand(ctx, command);
    case 'statuspage':
      return publicUpdate(ctx, command);
    case 'page':
      return page(ctx, command);
    case 'rules-test':
      return runRulesCommand(ctx, command);
    case 'task-add':
    case 'task-done':
    case 'task-reopen':
    case 'task-assign':
    case 'task-waive':
    case 'tasks':
      return runTaskCommand(ctx, command);
  }
}

/** Through the incident, which decides who may page and puts the page on the timeline. */
async function page(ctx: CommandContext, command: Extract<Command, { kind: 'page' }>): Promise<Reply> {
  const incident = requireIncident(ctx);
  const target = command.team !== undefined ? { team: command.team } : { service: command.service };
  const input: msg.PageInput = { actor: ctx.actor, ...target, ...(command.reason ? { reason: command.reason } : {}) };
  const r = await incidentHandle(ctx, incident).executeUpdate(msg.pageUpdate, { args: [input], updateId: requestUpdateId(ctx.idempotencyKey, msg.pageUpdate) });
  if (r.team !== undefined) return { ok: true, text: `Paging team ${r.team} (${r.pages.map((p) => p.service).join(', ')}) for ${incident}.`, incident };
  return { ok: true, text: `Paging ${r.service} for ${incident}.`, incident };
}

/** Through the incident, which decides who may speak to customers and records what was said. */
async function publicUpdate(ctx: CommandContext, command: Extract<Command, { kind: 'statuspage' }>): Promise<Reply> {
  const incident = requireIncident(ctx);
  const input: msg.PublicUpdateInput = { actor: ctx.actor, verb: command.verb, components: command.components, text: command.text };
  const r = await incidentHandle(ctx, incident).executeUpdate(msg.publishStatusPageUpdate, {
    args: [input],
    updateId: requestUpdateId(ctx.idempotencyKey, msg.publishStatusPageUpdate),
  });
  const states = r.components.map((c) => `${c.component}: ${COMPONENT_STATE_TEXT[c.state]}`).join(', ');
  const what = r.verb === 'open' ? 'Opened a public incident' : r.verb === 'resolve' ? 'Resolved the public incident' : 'Posted a public update';
  return { ok: true, text: `${what} on the status page for ${incident}${states ? ` (${states})` : ''}: ${r.text}`, incident };
}

/** Creation goes through the incident (which starts `sandbox:SBX-N`); the rest to the sandbox itself. */
async function sandbox(ctx: CommandContext, command: Extract<Command, { kind: `sandbox-${string}` }>): Promise<Reply> {
  if (command.kind === 'sandbox-create' || command.kind === 'sandbox-recreate') {
    const input: msg.CreateSandboxInput =
      command.kind === 'sandbox-create'
        ? { actor: ctx.actor, seed: command.seed, ttlSeconds: command.ttlSeconds, source: command.source, release: command.release, requestKey: ctx.idempotencyKey }
        : { actor: ctx.actor, recreate: command.sandbox, requestKey: ctx.idempotencyKey };
    const incident = requireIncident(ctx);
    const r = await incidentHandle(ctx, incident).executeUpdate(msg.createSandboxUpdate, { args: [input], updateId: `sandbox:${ctx.idempotencyKey}` });
    return { ok: true, text: `${r.sandbox} is being built from ${r.source} (seed ${r.seed}, ${formatDuration(r.ttlSeconds)}); credentials arrive in a private message.`, incident };
  }
  const handle = ctx.client.workflow.getHandle(sandboxWorkflowId(command.sandbox));
  try {
    const view =
      command.kind === 'sandbox-extend'
        ? await handle.executeUpdate(sandboxes.extendSandboxUpdate, { args: [{ actor: ctx.actor, seconds: command.durationSeconds }], updateId: requestUpdateId(ctx.idempotencyKey, sandboxes.extendSandboxUpdate) })
        : await handle.executeUpdate(sandboxes.destroySandboxUpdate, { args: [{ actor: ctx.actor }], updateId: requestUpdateId(ctx.idempotencyKey, sandboxes.destroySandboxUpdate) });
    // A ready sandbox's reply carries its provenance in short: what it was built from and its content hash.
    const hash = view.provenance ? `, content ${view.provenance.contentHash.slice(0, 12)}` : '';
    const ready = `${view.sandbox} is ready until ${view.expiresAt} (${view.source}, seed ${view.seed}${hash}).`;
    return { ok: true, text: view.status === 'ready' ? ready : `${view.sandbox} is ${view.status.replace('_', ' ')}.`, incident: view.incident };
  } catch (err) {
    throw toRefusal(err, command.sandbox) ?? err;
  }
}

async function declare(ctx: CommandContext, command: Extract<Command, { kind: 'declare' }>): Promise<Reply> {
  if (!command.title) return { ok: false, text: 'A declaration needs a title, e.g. `declare Checkout returns 502 sev:2 service:payments`.' };
  // Counted against the limits by runCommand already.
  const result = await declareIncident(ctx, {
    idempotencyKey: ctx.idempotencyKey,
    title: command.title,
    ...(command.description ? { description: command.description } : {}),
    severity: command.severity ?? ctx.defaultSeverity ?? 'SEV3',
    services: command.services,
    source: ctx.source,
    sourceRef: ctx.sourceRef,
    reporter: ctx.actor,
    ...(command.private ? { private: true } : {}),
    ...(ctx.linkIssue ? { linkIssue: ctx.linkIssue } : {}),
  });
  const view = await getIncidentView({ ...ctx }, result.key);
  return { ok: true, text: result.created ? `${result.key} declared` : `${result.key} was already declared`, incident: result.key, view };
}

/**
 * A declaration that arrives without a command (the Slack form, a labelled GitHub issue): the
 * same limits as `declare`, then the same start. A refusal is a CommandRefused with the sentence.
 */
export async function declareAsPerson(ctx: TemporalContext & { policy?: Policy }, input: DeclareIncidentInput): Promise<DeclareIncidentResult> {
  const refused = admitRequest(ctx.policy, input.reporter, 'declaration');
  if (refused) throw new CommandRefused(refused);
  return declareIncident(ctx, input);
}

async function update<I>(ctx: CommandContext, definition: UpdateDefinition<msg.IncidentView, [I]>, input: I): Promise<Reply> {
  return withView(ctx, await runIncidentUpdate(ctx, requireIncident(ctx), definition, input, ctx.idempotencyKey));
}

/** Resolving the incident leaves what customers read alone: the reply says how to resolve that too. */
function withPublicIncidentHint(reply: Reply): Reply {
  if (!reply.ok || reply.view?.publicPage?.status !== 'open') return reply;
  return { ...reply, text: `${reply.view.key} is resolved; its public incident is still open on the status page. Resolve it with \`statuspage resolve TEXT\`.` };
}

function withView(ctx: CommandContext, view: msg.IncidentView): Reply {
  return { ok: true, text: '', incident: view.key, view };
}

function requireIncident(ctx: CommandContext): string {
  if (!ctx.incident) throw new CommandRefused('Which incident? Name it, e.g. `INC-12 status`, or run the command in its channel or issue.');
  return ctx.incident;
}

/** A person named in a command, as the front-end that received it knows people. */
export function personActor(ctx: Pick<CommandContext, 'source'>, person: PersonRef): Actor {
  if (person.kind === 'slack') return { source: 'slack', id: person.id, ...(person.label ? { name: person.label } : {}) };
  return { source: ctx.source, id: person.handle, name: person.handle };
}
