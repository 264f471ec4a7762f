// Tasks (TASK-N) and checklists: `task add|done|reopen|assign|waive`, a reaction that makes a message
// a task, checklists of the policy that attach by themselves when their condition holds (at the
// declaration, on a severity or services change, on an access request), and overdue tasks told once.
// Every change is a 'task' timeline event whose details the dashboard folds back into tasks.

import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle } from '../../domain/policy/rules.js';
import { blockingTask, matchingChecklists, nextOverdue, nextTaskId, ownerText, resolveRefusal, type IncidentTask, type TaskEventDetails } from '../../domain/tasks.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

/** New commands in paths running incidents already take: checklists on declare, severity, services, access. */
export const TASKS_PATCH = 'incident-tasks';

const MAX_TASKS = 200;

export function registerTaskHandlers(rt: IncidentRuntime): void {
  const { state } = rt;
  const find = (id: string) => state.tasks?.find((t) => t.id === id);
  const result = (task?: IncidentTask): msg.TasksResult => ({ incident: state.key, ...(task ? { task } : {}), tasks: [...(state.tasks ?? [])], checklists: [...(state.checklists ?? [])] });

  rt.handle<msg.AddTaskInput, msg.TasksResult>(
    msg.addTaskUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'task');
      if (i.text.length > 500) rt.refuse('InvalidInput', 'A task may be at most 500 characters; put the details in a note.');
      if ((state.tasks?.length ?? 0) >= MAX_TASKS) rt.refuse('InvalidInput', `${rt.name} has ${MAX_TASKS} tasks already; close some before adding more.`);
    },
    async (i) => {
      // A reaction redelivered, or added by a second person, makes no second task of one message.
      const existing = i.ref === undefined ? undefined : state.tasks?.find((t) => t.ref === i.ref);
      if (existing) return result(existing);
      const owner = i.owner ? canonicalPerson(rt, i.owner) : undefined;
      const task = await addTask(rt, i.actor, { text: i.text.trim(), required: false, ...(owner ? { owner } : {}), ...(i.ref ? { ref: i.ref } : {}) });
      return result(task);
    },
    () => rt.decision('addTask'),
  );

  rt.handle<msg.ChangeTaskInput, msg.TasksResult>(
    msg.changeTaskUpdate,
    (i) => {
      rt.requireEditable();
      const task = find(i.task) ?? rt.refuse('InvalidInput', `${rt.name} has no task ${i.task}; \`tasks\` lists them.`);
      if (i.action === 'done' && task.status !== 'open') rt.refuse('InvalidInput', `${task.id} is already ${task.status}.`);
      if (i.action === 'reopen' && task.status === 'open') rt.refuse('InvalidInput', `${task.id} is already open.`);
      if (i.action === 'assign' && !i.person) rt.refuse('InvalidInput', `Name the person ${task.id} goes to, like \`task assign ${task.id} @alice\`.`);
      if (i.action === 'waive') {
        if (task.status !== 'open') rt.refuse('InvalidInput', `${task.id} is ${task.status}; only an open task can be waived.`);
        rt.requireText(i.reason, 'waiver reason');
      }
    },
    async (i) => {
      const task = find(i.task)!;
      if (i.action === 'assign') {
        const owner = canonicalPerson(rt, i.person!);
        task.owner = owner;
        delete task.ownerRole;
        await recordTask(rt, i.actor, `${task.id} assigned to ${owner.name ?? owner.id}`, { event: 'assigned', task: task.id, owner: owner.name ?? owner.id });
      } else if (i.action === 'waive') {
        task.status = 'waived';
        task.waivedReason = i.reason!.trim();
        await recordTask(rt, i.actor, `${task.id} waived: ${task.waivedReason}`, { event: 'waived', task: task.id, reason: task.waivedReason }, 'incident.task_waive');
      } else {
        task.status = i.action === 'done' ? 'done' : 'open';
        if (i.action === 'reopen') delete task.waivedReason;
        const event = i.action === 'done' ? 'done' : 'reopened';
        await recordTask(rt, i.actor, `${task.id} ${i.action === 'done' ? 'done' : 'reopened'}: ${task.text}`, { event, task: task.id });
      }
      return result(task);
    },
    (i) => rt.decision(i.action === 'waive' ? 'waiveTask' : 'changeTask'),
  );

  rt.handle<msg.AddChecklistInput, msg.TasksResult>(
    msg.addChecklistUpdate,
    (i) => {
      rt.requireEditable();
      if (rt.policyLoaded && !Object.hasOwn(rt.policy().checklists, i.checklist)) {
        const known = Object.keys(rt.policy().checklists);
        rt.refuse('InvalidInput', `The policy has no checklist "${i.checklist}" (checklists: ${known.join(', ') || 'none'}).`);
      }
    },
    async (i) => {
      // Once each: a rule that asks again, or a checklist that already attached by its condition, adds nothing.
      if (!state.checklists?.includes(i.checklist)) await attachChecklist(rt, i.checklist, i.actor);
      return result();
    },
    () => rt.decision('addChecklist'),
  );
}

/** Attaches every checklist of the policy whose condition the incident now meets, each once. */
export async function attachMatchingChecklists(rt: IncidentRuntime, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  const { state } = rt;
  const facts = { severity: state.severity, services: state.services, capabilities: state.requestedCapabilities ?? [] };
  for (const key of matchingChecklists(rt.policy().checklists, facts, state.checklists ?? [])) await attachChecklist(rt, key, actor);
}

/** Notes the capabilities of an access request, then attaches the checklists they bring. */
export async function noteRequestedCapabilities(rt: IncidentRuntime, capabilities: readonly string[]): Promise<void> {
  const known = rt.state.requestedCapabilities ?? [];
  rt.state.requestedCapabilities = [...new Set([...known, ...capabilities])];
  await attachMatchingChecklists(rt);
}

async function attachChecklist(rt: IncidentRuntime, key: string, actor: Actor): Promise<void> {
  const { state } = rt;
  const checklist = rt.policy().checklists[key];
  if (!checklist) return;
  state.checklists = [...(state.checklists ?? []), key];
  const at = Date.now();
  await recordTask(rt, actor, `Checklist ${key} attached (${checklist.tasks.length} task${checklist.tasks.length === 1 ? '' : 's'})`, { event: 'checklist', checklist: key });
  for (const t of checklist.tasks) {
    const person = t.owner === undefined ? undefined : findPersonByHandle(rt.policy(), t.owner);
    await addTask(rt, actor, {
      text: t.text,
      required: t.required,
      checklist: key,
      ...(person ? { owner: { source: 'slack', id: person.slack, name: person.name } } : t.owner ? { ownerRole: t.owner } : {}),
      ...(t.dueSeconds === undefined ? {} : { dueAt: new Date(at + t.dueSeconds * 1000).toISOString() }),
    });
  }
}

type NewTask = Pick<IncidentTask, 'text' | 'required'> & Partial<Pick<IncidentTask, 'owner' | 'ownerRole' | 'checklist' | 'dueAt' | 'ref'>>;

async function addTask(rt: IncidentRuntime, actor: Actor, fields: NewTask): Promise<IncidentTask> {
  const { state } = rt;
  const tasks = state.tasks ?? [];
  const task: IncidentTask = { id: nextTaskId(tasks), status: 'open', createdBy: actor, createdAt: new Date().toISOString(), ...fields };
  state.tasks = [...tasks, task];
  const owner = ownerText(task);
  await recordTask(rt, actor, `${task.id} added${task.required ? ' (required)' : ''}: ${task.text}${owner ? ` — owner ${owner}` : ''}`, {
    event: 'added',
    task: task.id,
    text: task.text,
    required: task.required,
    ...(owner ? { owner } : {}),
    ...(task.dueAt ? { dueAt: task.dueAt } : {}),
    ...(task.checklist ? { checklist: task.checklist } : {}),
  });
  return task;
}

function recordTask(rt: IncidentRuntime, actor: Actor, text: string, details: TaskEventDetails, auditAction?: string): Promise<string> {
  return rt.record('task', actor, text, { details: { ...details }, ...(auditAction ? { auditAction } : {}) });
}

/** Refuses resolve while a required task is open, naming it. */
export function requireNoBlockingTask(rt: IncidentRuntime): void {
  const task = blockingTask(rt.state.tasks);
  if (!task) return;
  const count = rt.state.tasks!.filter((t) => t.required && t.status === 'open').length;
  rt.refuse('TaskOpen', resolveRefusal(rt.name, task, count));
}

/** When the next open task falls due (ms since the epoch), for the main loop's durable timer. */
export function nextTaskDueAt(rt: IncidentRuntime): number | undefined {
  return nextOverdue(rt.state.tasks)?.at;
}

/** Records each open task now past its due time as overdue, once per task. */
export async function noteOverdueTasks(rt: IncidentRuntime): Promise<void> {
  const now = Date.now();
  for (let due = nextOverdue(rt.state.tasks); due && due.at <= now; due = nextOverdue(rt.state.tasks)) {
    due.task.overdueAt = new Date(now).toISOString();
    const owner = ownerText(due.task);
    await recordTask(rt, SYSTEM_ACTOR, `${due.task.id} is overdue: ${due.task.text}${owner ? ` — owner ${owner}` : ''}`, { event: 'overdue', task: due.task.id });
  }
}

/** A person named in a command, as the policy knows them when it does (so today's holder is recognised). */
function canonicalPerson(rt: IncidentRuntime, person: Actor): Actor {
  const known = findPersonByActor(rt.policy(), person) ?? findPersonByHandle(rt.policy(), person.name ?? person.id);
  return known ? { source: 'slack', id: known.slack, name: known.name } : person;
}
