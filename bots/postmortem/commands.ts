// `postmortem …`, `action …` and `actions …` for every front-end. Postmortem and action changes go
// to `postmortem:INC-N`; the `actions` listing reads Postgres, where the workflow keeps every item.

import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Command, PersonRef } from '../../domain/commands/types.js';
import { postmortemWorkflowId } from '../../domain/ids.js';
import type { Actor, IncidentSource } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle, type Policy } from '../../domain/policy/index.js';
import type { Database } from '../../db/client.js';
import { listOpenActionItems, type ActionListFilter } from '../../db/queries/postmortems.js';
import { actionItems } from '../../db/schema/index.js';
import { eq } from 'drizzle-orm';
import * as pm from '../../workflows/postmortem/messages.js';
import { CommandRefused, getIncidentView, toRefusal, type TemporalContext } from '../workflow-client.js';

export type PostmortemCommand = Extract<Command, { kind: 'postmortem' | `postmortem-${string}` | `action-${string}` | 'actions' }>;

export interface PostmortemCommandContext extends TemporalContext {
  actor: Actor;
  source: IncidentSource;
  incident?: string;
  idempotencyKey: string;
  /** For `actions` and for finding the incident of an `ACT-N`. */
  db?: Database;
  policy?: Policy;
}

export interface PostmortemReply {
  ok: boolean;
  text: string;
  incident?: string;
}

const RESOLVED_PHASES = ['resolved', 'postmortem', 'closed'];

export async function runPostmortemCommand(ctx: PostmortemCommandContext, command: PostmortemCommand): Promise<PostmortemReply> {
  switch (command.kind) {
    case 'postmortem':
      return startOrShow(ctx, command.owner);
    case 'postmortem-publish':
    case 'postmortem-approve': {
      const incident = requireIncident(ctx);
      const view = await update(ctx, incident, command.kind === 'postmortem-publish' ? pm.submitPostmortemUpdate : pm.approvePostmortemUpdate, { actor: ctx.actor });
      return { ok: true, text: describe(view), incident };
    }
    case 'action-add': {
      const incident = requireIncident(ctx);
      const item = await update(ctx, incident, pm.addActionUpdate, {
        actor: ctx.actor, text: command.text, owner: personActor(ctx, command.owner), due: command.due, priority: command.priority, requestKey: ctx.idempotencyKey,
      });
      return { ok: true, text: `${item.key} added: ${item.text} — owner ${item.owner}, due ${item.due}, ${item.priority}${item.issueUrl ? ` (${item.issueUrl})` : ''}.`, incident };
    }
    case 'action-done':
    case 'action-reopen':
    case 'action-assign': {
      const incident = await incidentOfItem(ctx, command.item);
      const item =
        command.kind === 'action-assign'
          ? await update(ctx, incident, pm.assignActionUpdate, { actor: ctx.actor, item: command.item, owner: personActor(ctx, command.person) })
          : await update(ctx, incident, pm.setActionStatusUpdate, { actor: ctx.actor, item: command.item, status: command.kind === 'action-done' ? 'done' : 'open' });
      return { ok: true, text: `${item.key} is ${item.status}, owned by ${item.owner}, due ${item.due}.`, incident };
    }
    case 'actions':
      return listActions(ctx, command.filter);
  }
}

async function startOrShow(ctx: PostmortemCommandContext, ownerRef: PersonRef | undefined): Promise<PostmortemReply> {
  const incident = requireIncident(ctx);
  const owner = ownerRef ? personActor(ctx, ownerRef) : undefined;
  const handle = ctx.client.workflow.getHandle(postmortemWorkflowId(incident));
  const existing = await handle.describe().then(() => true, (err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  });
  if (existing) {
    const view = owner ? await update(ctx, incident, pm.setPostmortemOwnerUpdate, { actor: ctx.actor, owner }) : await query(ctx, incident);
    return { ok: true, text: describe(view), incident };
  }
  const phase = (await getIncidentView(ctx, incident)).phase;
  if (!RESOLVED_PHASES.includes(phase)) throw new CommandRefused(`${incident} is ${phase}; its postmortem starts once it is resolved.`);
  try {
    await ctx.client.workflow.start('postmortemWorkflow', {
      workflowId: postmortemWorkflowId(incident),
      taskQueue: ctx.taskQueue,
      args: [{ incident, requestedBy: ctx.actor, ...(owner ? { owner } : {}) } satisfies pm.PostmortemInput],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { ok: true, text: describe(await query(ctx, incident)), incident };
}

/** The draft is written by the workflow's first activity; the query answers once it exists. */
async function query(ctx: PostmortemCommandContext, incident: string): Promise<pm.PostmortemView> {
  const handle = ctx.client.workflow.getHandle(postmortemWorkflowId(incident));
  for (let attempt = 0; ; attempt++) {
    try {
      return await handle.query(pm.postmortemStateQuery);
    } catch (err) {
      if (attempt >= 20 || !/still being drafted/.test(String((err as Error).message))) throw refusal(err, incident);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function update<R, I>(ctx: PostmortemCommandContext, incident: string, definition: UpdateDefinition<R, [I]>, input: I): Promise<R> {
  try {
    return await ctx.client.workflow.getHandle(postmortemWorkflowId(incident)).executeUpdate(definition, { args: [input], updateId: `postmortem:${ctx.idempotencyKey}` });
  } catch (err) {
    throw refusal(err, incident);
  }
}

function refusal(err: unknown, incident: string): unknown {
  if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5) {
    return new CommandRefused(`${incident} has no postmortem yet: one starts when the incident is resolved (if its severity needs one), or run \`${incident} postmortem\` once it is resolved.`);
  }
  return toRefusal(err, incident) ?? err;
}

function describe(view: pm.PostmortemView): string {
  const open = view.items.filter((i) => i.status === 'open').length;
  const status = view.status.replace('_', ' ');
  return [
    `Postmortem of ${view.incident}: ${status}, owner ${view.owner}, due ${view.dueAt.slice(0, 10)}${view.approver ? `, approved by ${view.approver}` : ''}.`,
    view.documentUrl ? `Document: ${view.documentUrl}` : '',
    `${view.items.length} action item${view.items.length === 1 ? '' : 's'}, ${open} open.`,
  ].filter(Boolean).join(' ');
}

function requireIncident(ctx: PostmortemCommandContext): string {
  if (!ctx.incident) throw new CommandRefused('Which incident? Name it, e.g. `INC-12 postmortem`, or run the command in its channel or issue.');
  return ctx.incident;
}

async function incidentOfItem(ctx: PostmortemCommandContext, item: string): Promise<string> {
  if (ctx.db) {
    const [row] = await ctx.db.select({ incident: actionItems.incidentKey }).from(actionItems).where(eq(actionItems.key, item));
    if (!row) throw new CommandRefused(`There is no action item ${item}; \`actions\` lists the open ones.`);
    return row.incident;
  }
  return requireIncident(ctx);
}

function personActor(ctx: Pick<PostmortemCommandContext, 'source'>, person: PersonRef): Actor {
  if (person.kind === 'slack') return { source: 'slack', id: person.id, ...(person.label ? { name: person.label } : {}) };
  return { source: ctx.source, id: person.handle, name: person.handle };
}

async function listActions(ctx: PostmortemCommandContext, filter: Extract<Command, { kind: 'actions' }>['filter']): Promise<PostmortemReply> {
  if (!ctx.db || !ctx.policy) throw new CommandRefused('Action items are listed from Slack, GitHub or the dashboard.');
  const policy = ctx.policy;
  const person = (ref: PersonRef) =>
    (ref.kind === 'slack' ? findPersonByActor(policy, { source: 'slack', id: ref.id }) : findPersonByHandle(policy, ref.handle)) ??
    fail(`${ref.kind === 'slack' ? (ref.label ?? ref.id) : ref.handle} is not in any team of the policy.`);
  let query: ActionListFilter;
  let title: string;
  switch (filter.kind) {
    case 'mine': {
      const me = findPersonByActor(policy, ctx.actor) ?? fail('Firebreak does not know you: add yourself to a team in the policy.');
      query = { kind: 'owner', owner: me.name };
      title = 'Your open action items';
      break;
    }
    case 'owner': {
      const who = person(filter.owner);
      query = { kind: 'owner', owner: who.name };
      title = `Open action items of ${who.name}`;
      break;
    }
    case 'team':
      if (!policy.teams[filter.team]) fail(`There is no team "${filter.team}"; teams: ${Object.keys(policy.teams).join(', ')}.`);
      query = { kind: 'team', team: filter.team };
      title = `Open action items of team ${filter.team}`;
      break;
    case 'overdue':
      query = { kind: 'overdue', today: new Date().toISOString().slice(0, 10) };
      title = 'Overdue action items';
      break;
    default:
      query = { kind: 'all' };
      title = 'Open action items';
  }
  const rows = await listOpenActionItems(ctx.db, query);
  const today = new Date().toISOString().slice(0, 10);
  if (rows.length === 0) return { ok: true, text: `${title}: none.` };
  const lines = rows.map((r) => `• ${r.key} (${r.incidentKey}) ${r.text} — ${r.owner}, due ${r.dueDate}${r.dueDate < today ? ' — OVERDUE' : ''}, ${r.priority}`);
  return { ok: true, text: [`${title} (${rows.length}${rows.length === 50 ? ', first 50' : ''}):`, ...lines].join('\n') };
}

function fail(message: string): never {
  throw new CommandRefused(message);
}
