// Incident tasks (TASK-N) and the checklists that bring them: which checklists an incident's facts
// match, which task blocks resolve, which is due next. Pure, so the incident workflow and the
// dashboard (which folds the 'task' timeline events) read the same rules.

import type { Actor, Severity } from './incident.js';
import type { ChecklistsPolicy } from './policy/checklists.js';

export type TaskStatus = 'open' | 'done' | 'waived';
export const TASK_ACTIONS = ['done', 'reopen', 'assign', 'waive'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export interface IncidentTask {
  /** `TASK-N`, numbered per incident from 1. */
  id: string;
  text: string;
  status: TaskStatus;
  /** A person the task was given to. */
  owner?: Actor;
  /** A role whose holder owns it (from a checklist); shown with today's holder. */
  ownerRole?: string;
  required: boolean;
  /** The checklist it came from, if any. */
  checklist?: string;
  createdBy: Actor;
  createdAt: string;
  /** ISO time it is due. */
  dueAt?: string;
  /** Set once the overdue event was recorded: an overdue task is told once. */
  overdueAt?: string;
  /** The chat message it was made from (a reaction): one task per message. */
  ref?: string;
  waivedReason?: string;
}

export interface ChecklistFacts {
  severity: Severity;
  services: readonly string[];
  /** Capabilities someone requested a grant of in this incident. */
  capabilities: readonly string[];
}

const overlaps = (wanted: readonly string[] | undefined, have: readonly string[]) => wanted === undefined || wanted.some((w) => have.includes(w));

/** Checklists whose every named condition holds and that are not attached yet, in policy order. */
export function matchingChecklists(checklists: ChecklistsPolicy, facts: ChecklistFacts, attached: readonly string[]): string[] {
  return Object.entries(checklists)
    .filter(([key]) => !attached.includes(key))
    .filter(([, c]) => overlaps(c.when.severities, [facts.severity]) && overlaps(c.when.services, facts.services) && overlaps(c.when.capabilities, facts.capabilities))
    .map(([key]) => key);
}

export function nextTaskId(tasks: readonly IncidentTask[]): string {
  const highest = tasks.reduce((max, t) => Math.max(max, Number(t.id.slice('TASK-'.length)) || 0), 0);
  return `TASK-${highest + 1}`;
}

/** `task-3`, `TASK-3` → `TASK-3`; anything else undefined. */
export function parseTaskKey(text: string): string | undefined {
  const m = /^task-([1-9][0-9]{0,8})$/i.exec(text.trim());
  return m ? `TASK-${m[1]}` : undefined;
}

/** The first required task still open: it refuses resolve. */
export function blockingTask(tasks: readonly IncidentTask[] | undefined): IncidentTask | undefined {
  return tasks?.find((t) => t.required && t.status === 'open');
}

export function resolveRefusal(incident: string, task: IncidentTask, count: number): string {
  const more = count > 1 ? ` (and ${count - 1} more required task${count > 2 ? 's' : ''})` : '';
  return `${incident} cannot be resolved while required task ${task.id} "${task.text}" is open${more}; mark it done with \`task done ${task.id}\`, or the commander can waive it with \`task waive ${task.id} REASON\`.`;
}

/** The open task that falls due first and was not told overdue yet. */
export function nextOverdue(tasks: readonly IncidentTask[] | undefined): { task: IncidentTask; at: number } | undefined {
  let next: { task: IncidentTask; at: number } | undefined;
  for (const task of tasks ?? []) {
    if (task.status !== 'open' || !task.dueAt || task.overdueAt) continue;
    const at = Date.parse(task.dueAt);
    if (next === undefined || at < next.at) next = { task, at };
  }
  return next;
}

export function ownerText(task: Pick<IncidentTask, 'owner' | 'ownerRole'>): string | undefined {
  if (task.owner) return task.owner.name ?? task.owner.id;
  return task.ownerRole;
}

/** What a `task` timeline event's details hold: the dashboard folds them back into tasks. */
export interface TaskEventDetails {
  event: 'added' | 'done' | 'reopened' | 'assigned' | 'waived' | 'overdue' | 'checklist';
  task?: string;
  text?: string;
  owner?: string;
  required?: boolean;
  dueAt?: string;
  checklist?: string;
  reason?: string;
}

export interface TaskRow {
  id: string;
  text: string;
  status: TaskStatus;
  owner?: string;
  required: boolean;
  dueAt?: string;
  overdue: boolean;
  checklist?: string;
}

/** The incident's tasks as its recorded 'task' events tell them, in the order they were added. */
export function foldTaskEvents(events: readonly { kind: string; details: unknown }[]): TaskRow[] {
  const tasks = new Map<string, TaskRow>();
  for (const e of events) {
    if (e.kind !== 'task' || typeof e.details !== 'object' || e.details === null) continue;
    const d = e.details as TaskEventDetails;
    if (!d.task) continue;
    const t = tasks.get(d.task);
    if (d.event === 'added') {
      tasks.set(d.task, {
        id: d.task,
        text: d.text ?? '',
        status: 'open',
        required: d.required === true,
        overdue: false,
        ...(d.owner ? { owner: d.owner } : {}),
        ...(d.dueAt ? { dueAt: d.dueAt } : {}),
        ...(d.checklist ? { checklist: d.checklist } : {}),
      });
    } else if (t) {
      if (d.event === 'done') t.status = 'done';
      else if (d.event === 'waived') t.status = 'waived';
      else if (d.event === 'reopened') t.status = 'open';
      else if (d.event === 'assigned') t.owner = d.owner;
      else if (d.event === 'overdue') t.overdue = true;
    }
  }
  return [...tasks.values()];
}
