// The incident's own updates, query and signals: everything of DESIGN.md §1 that is not a child
// workflow. Each update validates first (and again in the serial queue), then records the event.

import { getExternalWorkflowHandle, log, patched, setHandler } from '@temporalio/workflow';
import { grantWorkflowId, sandboxWorkflowId } from '../../domain/ids.js';
import { resolveActor, type ResolvedActor } from '../../domain/authorization/index.js';
import type { Actor, Severity } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle } from '../../domain/policy/rules.js';
import { DECISION_POINT_PATCH } from '../kernel/index.js';
import type { IncidentChanges } from '../../domain/timeline.js';
import * as msg from './messages.js';
import { COMMANDER_TO_CHILDREN_PATCH } from './messages.js';
import { notePageAcknowledged, notePagesResolved } from './paging.js';
import { startPostmortem } from './postmortem.js';
import { registerTimelineHandlers } from './timeline.js';
import { requireKnownRole, sendRoleInstructions } from './roles.js';
import { attachMatchingChecklists, requireNoBlockingTask, TASKS_PATCH } from './tasks.js';
import type { IncidentRuntime } from './state.js';

export function registerLifecycleHandlers(rt: IncidentRuntime): void {
  const { state } = rt;

  async function acknowledge(actor: Actor): Promise<void> {
    if (state.acknowledgedAt) return;
    const at = new Date().toISOString();
    if (state.phase === 'triage') {
      await rt.transition('start_mitigation', actor, `Acknowledged by ${actor.name ?? actor.id}; mitigation under way`, { acknowledgedAt: at });
    } else {
      await rt.record('phase', actor, `Acknowledged by ${actor.name ?? actor.id}`, { changes: { acknowledgedAt: at }, auditAction: 'incident.acknowledge' });
    }
    await notePageAcknowledged(rt);
  }

  rt.handle(
    msg.editDetailsUpdate,
    (i) => {
      rt.requireEditable();
      if (i.title !== undefined) rt.requireText(i.title, 'title');
    },
    async (i) => {
      const changes: IncidentChanges = {};
      if (i.title !== undefined) changes.title = i.title.trim();
      if (i.description !== undefined) changes.description = i.description;
      if (i.services !== undefined) changes.services = [...new Set(i.services)];
      await rt.record('details', i.actor, 'Details edited', { changes, auditAction: 'incident.details' });
      if (changes.services && patched(TASKS_PATCH)) await attachMatchingChecklists(rt);
    },
    () => rt.decision('editDetails'),
  );

  rt.handle(
    msg.setSeverityUpdate,
    (i) => {
      rt.requireEditable();
      if (i.severity === state.severity) rt.refuse('InvalidInput', `${rt.name} is already ${i.severity}.`);
    },
    async (i) => {
      await rt.record('severity', i.actor, describeSeverityChange(state.severity, i.severity, i.reason), {
        changes: { severity: i.severity },
        details: { from: state.severity, to: i.severity },
        auditAction: 'incident.severity',
      });
      if (patched(TASKS_PATCH)) await attachMatchingChecklists(rt);
    },
    () => rt.decision('severity'),
  );

  rt.handle(
    msg.assignRoleUpdate,
    (i) => {
      rt.requireEditable();
      requireKnownRole(rt, i.role);
    },
    async (i) => {
      // A holder named by handle (`@bob` from GitHub or the CLI) is kept as the person the policy
      // knows, so later decisions recognise today's commander whichever front-end they come from.
      const holder = patched(DECISION_POINT_PATCH) ? canonicalHolder(rt, i.person) : i.person;
      const eventKey = `${state.key}:${state.nextEventSeq}`;
      await rt.record('role', i.actor, `${holder.name ?? holder.id} is now ${i.role}`, {
        changes: { roles: { ...state.roles, [i.role]: holder } },
        details: { role: i.role, person: holder },
        auditAction: 'incident.role',
      });
      sendRoleInstructions(rt, i.role, holder, eventKey);
      if (i.role === 'commander') {
        await acknowledge(i.actor);
        await tellChildrenTheCommander(rt);
      }
    },
    (i) => rt.decision('assignRole', { assignee: assigneeOf(rt, i.person), role: i.role }),
  );

  rt.handle(
    msg.acknowledgeUpdate,
    () => rt.requireEditable(),
    async (i) => {
      if (!state.roles.commander) {
        await rt.record('role', i.actor, `${i.actor.name ?? i.actor.id} took command`, {
          changes: { roles: { ...state.roles, commander: i.actor } },
          details: { role: 'commander', person: i.actor },
          auditAction: 'incident.role',
        });
      }
      await acknowledge(i.actor);
      await tellChildrenTheCommander(rt);
    },
    () => rt.decision('acknowledge'),
  );

  rt.handle(
    msg.addNoteUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'note');
    },
    async (i) => {
      // Only the system (an alert group) says what an alert did; a person's note carries no details.
      const alertGroup = i.actor.source === 'system' ? i.alertGroup : undefined;
      await rt.record('note', i.actor, i.text.trim(), alertGroup ? { details: { alertGroup } } : {});
    },
    () => rt.decision('note'),
  );

  rt.handle(
    msg.postStatusUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'status update');
    },
    async (i) => {
      // A posted update restarts the severity's cadence.
      state.lastStatusUpdateAt = await rt.record('status_update', i.actor, i.text.trim());
      state.lastStatusReminderAt = undefined;
    },
    () => rt.decision('statusUpdate'),
  );

  rt.handle(
    msg.markMitigatedUpdate,
    () => rt.requireTransition('mitigated'),
    (i) => rt.transition('mitigated', i.actor, i.text?.trim() || 'Marked mitigated; monitoring', { mitigatedAt: new Date().toISOString() }),
    () => rt.decision('mitigate'),
  );

  rt.handle(
    msg.resolveUpdate,
    () => {
      rt.requireTransition('resolve');
      // Only incidents that have tasks can be refused here, and tasks exist only in code that knows them.
      requireNoBlockingTask(rt);
    },
    async (i) => {
      await rt.transition('resolve', i.actor, i.text?.trim() || 'Resolved', { resolvedAt: new Date().toISOString() });
      await notePagesResolved(rt);
      await tearDown(rt, i.actor);
      if (patched('postmortem-on-resolve')) await startPostmortem(rt);
    },
    () => rt.decision('resolve'),
  );

  rt.handle(
    msg.reopenUpdate,
    () => rt.requireTransition('reopen'),
    (i) => rt.transition('reopen', i.actor, i.text?.trim() || 'Reopened', { resolvedAt: null }),
    () => rt.decision('reopen'),
  );

  registerTimelineHandlers(rt);

  setHandler(msg.stateQuery, () => rt.view());

  setHandler(msg.childStatusSignal, (child) => {
    const existing = state.children.findIndex((c) => c.kind === child.kind && c.id === child.id);
    if (existing >= 0) state.children[existing] = child;
    else state.children.push(child);
    rt.version++;
  });

  setHandler(msg.postmortemClosedSignal, ({ actor }) => {
    void rt.serially(async () => {
      if (state.phase === 'postmortem') await rt.transition('close', actor, 'Postmortem closed', { closedAt: new Date().toISOString() });
      // Closed inside the reopen window: the incident closes when the window ends.
      else if (state.phase === 'resolved') state.postmortemClosed = true;
    });
  });
}

function describeSeverityChange(from: Severity, to: Severity, reason?: string): string {
  return `Severity ${from} → ${to}${reason ? `: ${reason}` : ''}`;
}

/** The person a role goes to, as the policy knows them (a handle typed in a command included). */
function assigneeOf(rt: IncidentRuntime, person: Actor): ResolvedActor {
  const resolved = resolveActor(rt.policy(), person);
  if (resolved.kind !== 'guest') return resolved;
  const byHandle = findPersonByHandle(rt.policy(), person.name ?? person.id);
  return byHandle ? { kind: 'member', key: byHandle.name, person: byHandle } : resolved;
}

function canonicalHolder(rt: IncidentRuntime, person: Actor): Actor {
  const assignee = assigneeOf(rt, person);
  if (assignee.kind !== 'member' || findPersonByActor(rt.policy(), person)) return person;
  return { source: 'slack', id: assignee.person.slack, name: assignee.person.name };
}

/**
 * Grants and sandboxes decide with today's commander, so the incident tells its live children
 * whenever the commander changes.
 */
async function tellChildrenTheCommander(rt: IncidentRuntime): Promise<void> {
  if (!patched(COMMANDER_TO_CHILDREN_PATCH)) return;
  const commander = rt.state.roles.commander;
  for (const child of rt.state.children.filter((c) => c.needsTeardown && (c.kind === 'grant' || c.kind === 'sandbox'))) {
    const workflowId = child.kind === 'grant' ? grantWorkflowId(child.id) : sandboxWorkflowId(child.id);
    try {
      await getExternalWorkflowHandle(workflowId).signal(msg.commanderChangedSignal, { ...(commander ? { commander } : {}) });
    } catch (err) {
      log.warn('commander change not delivered', { workflowId, error: String(err) });
    }
  }
}

/** Resolve guarantees teardown: every child that still holds something is told to let go. */
async function tearDown(rt: IncidentRuntime, actor: Actor): Promise<void> {
  const live = rt.state.children.filter((c) => c.needsTeardown && (c.kind === 'grant' || c.kind === 'sandbox'));
  for (const child of live) {
    const workflowId = child.kind === 'grant' ? grantWorkflowId(child.id) : sandboxWorkflowId(child.id);
    try {
      await getExternalWorkflowHandle(workflowId).signal(msg.teardownSignal, { incident: rt.state.key, reason: `${rt.name} resolved` });
    } catch (err) {
      log.warn('teardown signal failed', { workflowId, error: String(err) });
    }
  }
  if (live.length > 0) {
    await rt.record('teardown', actor, `Teardown requested for ${live.map((c) => c.id).join(', ')}`, {
      auditAction: 'incident.teardown',
      details: { children: live.map((c) => c.id) },
    });
  }
}
