// The incident's tasks (TASK-N) and checklists: add a task, change one (done, reopen, assign,
// waive), attach a checklist of the policy. Part of the incident's contract; re-exported by
// ../messages.ts. The rules they follow are in domain/tasks.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../../domain/incident.js';
import type { IncidentTask, TaskAction } from '../../../domain/tasks.js';
import type { ActorInput } from './actor.js';

/** `task add TEXT… [@owner]`, or a reaction on a channel message (`ref` names it: one task per message). */
export interface AddTaskInput extends ActorInput {
  text: string;
  owner?: Actor;
  ref?: string;
}

/** `task done|reopen|assign|waive TASK-N`: assign names the person, waive gives the reason. */
export interface ChangeTaskInput extends ActorInput {
  task: string;
  action: TaskAction;
  person?: Actor;
  reason?: string;
}

/** Attaches one checklist of the policy (its key), once: automation rules use it as the system actor. */
export interface AddChecklistInput extends ActorInput {
  checklist: string;
}

/** The incident's tasks after the change; `task` is the one added or changed. */
export interface TasksResult {
  incident: string;
  task?: IncidentTask;
  tasks: IncidentTask[];
  checklists: string[];
}

export const addTaskUpdate = defineUpdate<TasksResult, [AddTaskInput]>('addTask');
export const changeTaskUpdate = defineUpdate<TasksResult, [ChangeTaskInput]>('changeTask');
export const addChecklistUpdate = defineUpdate<TasksResult, [AddChecklistInput]>('addChecklist');
