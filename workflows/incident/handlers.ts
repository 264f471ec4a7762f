// The incident's own updates, query and signals: everything of DESIGN.md §1 that is not a child
// workflow. Each update validates first (and again in the serial queue), then records the event.

import { getExternalWorkflowHandle, log, patched, setHandler } from '@temporalio/workflow';
import { grantWorkflowId, sandboxWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import type { IncidentChanges } from '../../domain/timeline.js';
import { persistence } from './activities.js';
import * as msg from './messages.js';
import { startPostmortem } from './postmortem.js';
import type { IncidentRuntime } from './runtime.js';
import { describeSeverityChange } from './state.js';

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
    },
  );

  rt.handle(
    msg.setSeverityUpdate,
    (i) => {
      rt.requireEditable();
      rt.authorize('severity', i.actor);
      if (i.severity === state.severity) rt.refuse('InvalidInput', `${rt.name} is already ${i.severity}.`);
    },
    async (i) => {
      await rt.record('severity', i.actor, describeSeverityChange(state.severity, i.severity, i.reason), {
        changes: { severity: i.severity },
        details: { from: state.severity, to: i.severity },
        auditAction: 'incident.severity',
      });
    },
  );

  rt.handle(
    msg.assignRoleUpdate,
    (i) => {
      rt.requireEditable();
      rt.authorize('assignRole', i.actor);
    },
    async (i) => {
      await rt.record('role', i.actor, `${i.person.name ?? i.person.id} is now ${i.role}`, {
        changes: { roles: { ...state.roles, [i.role]: i.person } },
        details: { role: i.role, person: i.person },
        auditAction: 'incident.role',
      });
      if (i.role === 'commander') await acknowledge(i.actor);
    },
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
    },
  );

  rt.handle(
    msg.addNoteUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'note');
    },
    async (i) => void (await rt.record('note', i.actor, i.text.trim())),
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
  );

  rt.handle(
    msg.markMitigatedUpdate,
    () => rt.requireTransition('mitigated'),
    (i) => rt.transition('mitigated', i.actor, i.text?.trim() || 'Marked mitigated; monitoring', { mitigatedAt: new Date().toISOString() }),
  );

  rt.handle(
    msg.resolveUpdate,
    (i) => {
      rt.requireTransition('resolve');
      rt.authorize('resolve', i.actor);
    },
    async (i) => {
      await rt.transition('resolve', i.actor, i.text?.trim() || 'Resolved', { resolvedAt: new Date().toISOString() });
      await tearDown(rt, i.actor);
      if (patched('postmortem-on-resolve')) await startPostmortem(rt);
    },
  );

  rt.handle(
    msg.reopenUpdate,
    (i) => {
      rt.requireTransition('reopen');
      rt.authorize('reopen', i.actor);
    },
    (i) => rt.transition('reopen', i.actor, i.text?.trim() || 'Reopened', { resolvedAt: null }),
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

function registerTimelineHandlers(rt: IncidentRuntime): void {
  rt.handle(
    msg.pinMessageUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'pinned message');
    },
    async (i) => {
      // Event APIs redeliver; pinning the same message twice must not add a second entry.
      if (rt.state.timeline.some((e) => e.ref === i.ref)) return;
      await rt.record('pinned', i.actor, i.text.trim(), { details: { ref: i.ref, messageAt: i.at }, ref: i.ref });
    },
  );

  rt.handle(
    msg.unpinMessageUpdate,
    () => rt.requireEditable(),
    async (i) => {
      await persistence.removePinnedEntry({ incident: rt.state.key, ref: i.ref });
      rt.state.timeline = rt.state.timeline.filter((e) => e.ref !== i.ref);
      rt.version++;
    },
  );
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
