// `task add|done|reopen|assign|waive` and `tasks` for every front-end: each goes to the incident,
// whose decision point says who may; `tasks` reads the incident's state. Replies are plain text;
// each front-end redacts and escapes them where it renders (render/redaction.ts).

import type { Command, PersonRef } from '../../domain/commands/types.js';
import type { Actor, IncidentSource } from '../../domain/incident.js';
import { ownerText, type IncidentTask } from '../../domain/tasks.js';
import * as msg from '../../workflows/incident/messages.js';
import { CommandRefused, getIncidentView, incidentHandle, requestUpdateId, type TemporalContext } from '../workflow-client.js';

export type TaskCommand = Extract<Command, { kind: `task-${string}` | 'tasks' }>;

export interface TaskCommandContext extends TemporalContext {
  actor: Actor;
  source: IncidentSource;
  incident?: string;
  idempotencyKey: string;
}

export async function runTaskCommand(ctx: TaskCommandContext, command: TaskCommand): Promise<{ ok: true; text: string; incident: string }> {
  const incident = ctx.incident;
  if (!incident) throw new CommandRefused('Which incident? Name it, e.g. `INC-12 tasks`, or run the command in its channel or issue.');
  if (command.kind === 'tasks') {
    const view = await getIncidentView(ctx, incident);
    return { ok: true, text: renderTasks(incident, view.tasks ?? []), incident };
  }
  const handle = incidentHandle(ctx, incident);
  if (command.kind === 'task-add') {
    const input: msg.AddTaskInput = { actor: ctx.actor, text: command.text, ...(command.owner ? { owner: personActor(ctx, command.owner) } : {}) };
    const r = await handle.executeUpdate(msg.addTaskUpdate, { args: [input], updateId: requestUpdateId(ctx.idempotencyKey, msg.addTaskUpdate) });
    return { ok: true, text: `${r.task?.id ?? 'The task'} added to ${incident}: ${r.task ? taskLine(r.task) : command.text}`, incident };
  }
  const input: msg.ChangeTaskInput =
    command.kind === 'task-assign'
      ? { actor: ctx.actor, task: command.task, action: 'assign', person: personActor(ctx, command.person) }
      : command.kind === 'task-waive'
        ? { actor: ctx.actor, task: command.task, action: 'waive', reason: command.reason }
        : { actor: ctx.actor, task: command.task, action: command.kind === 'task-done' ? 'done' : 'reopen' };
  const r = await handle.executeUpdate(msg.changeTaskUpdate, { args: [input], updateId: requestUpdateId(ctx.idempotencyKey, msg.changeTaskUpdate) });
  return { ok: true, text: r.task ? `${incident} ${taskLine(r.task)}` : `${command.task} changed.`, incident };
}

export function taskLine(task: IncidentTask): string {
  const owner = ownerText(task);
  const due = task.dueAt && task.status === 'open' ? `, due ${task.dueAt.slice(0, 16).replace('T', ' ')}Z${task.overdueAt ? ' (overdue)' : ''}` : '';
  return `${task.id} [${task.status}]${task.required ? ' (required)' : ''} ${task.text}${owner ? ` — ${owner}` : ''}${due}`;
}

/** Open tasks first, then the rest, one line each. */
export function renderTasks(incident: string, tasks: readonly IncidentTask[]): string {
  if (tasks.length === 0) return `${incident} has no tasks. Add one with \`task add TEXT… [@owner]\`.`;
  const open = tasks.filter((t) => t.status === 'open');
  const closed = tasks.filter((t) => t.status !== 'open');
  return [`${incident}: ${open.length} open task${open.length === 1 ? '' : 's'} of ${tasks.length}`, ...open.map(taskLine), ...closed.map(taskLine)].join('\n');
}

/** A person named in a command, as the front-end that received it knows people (as dispatch.ts does). */
function personActor(ctx: Pick<TaskCommandContext, 'source'>, person: PersonRef): Actor {
  if (person.kind === 'slack') return { source: 'slack', id: person.id, ...(person.label ? { name: person.label } : {}) };
  return { source: ctx.source, id: person.handle, name: person.handle };
}
