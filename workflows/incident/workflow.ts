import { condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { severityPolicy } from '../../domain/policy/rules.js';
import { context } from './activities.js';
import { registerIncidentHandlers } from './handlers.js';
import { noteDeclarationPage } from './paging.js';
import { snapshotFlags } from './flags.js';
import type { IncidentInput, IncidentView } from './messages.js';
import { nextDue, type Due } from './reminders.js';
import { IncidentRuntime, initialState } from './state.js';
import { decideRoleNudges, nudgeUnfilledRole } from './roles.js';
import { attachMatchingChecklists, nextTaskDueAt, noteOverdueTasks, TASKS_PATCH } from './tasks.js';

/** Queue the start of triage before registering handlers (see below). */
const TRIAGE_BEFORE_HANDLERS = 'triage-before-handlers';

/**
 * One incident from declaration to close (`incident:INC-N`). Updates change it, durable timers
 * remind people, and long histories continue as new carrying the whole state.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentView> {
  const rt = new IncidentRuntime(input.carried ?? initialState(input));
  const { state } = rt;
  // Updates sent before the first workflow task are buffered, and setHandler runs them at once: so
  // triage is queued before the handlers exist, or such an update would write ahead of it. Runs
  // that started before this order still replay with the old one.
  const triageFirst = !input.carried && patched(TRIAGE_BEFORE_HANDLERS);
  if (triageFirst) startTriage(rt);
  registerIncidentHandlers(rt);
  if (!input.carried && !triageFirst) startTriage(rt);
  if (!input.carried && patched('triage-context')) gatherContext(rt);
  if (!input.carried && patched('flag-snapshot')) snapshotFlags(rt);
  if (!input.carried && patched(TASKS_PATCH)) void rt.serially(() => attachMatchingChecklists(rt));
  await rt.drainQueue();
  rt.upsertSearchAttributes();
  decideRoleNudges(rt);

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= rt.policy().incidents.continueAsNewAfterEvents;

  while (state.phase !== 'closed') {
    if (shouldContinueAsNew()) {
      await condition(() => rt.quiescent());
      state.continuedAsNewCount++;
      await continueAsNew<typeof incidentWorkflow>({ ...input, carried: state });
    }
    const seen = rt.version;
    const due = nextDue(state, rt.reminders()!);
    // Incidents without due tasks wait exactly as before; only tasks bring the extra timer.
    const taskDue = state.tasks?.length ? nextTaskDueAt(rt) : undefined;
    const tasksFirst = taskDue !== undefined && (due === undefined || taskDue < due.at) && patched(TASKS_PATCH);
    const wakeAt = tasksFirst ? taskDue : due?.at;
    const changed = () => rt.version !== seen || shouldContinueAsNew();
    const woke = wakeAt === undefined ? (await condition(changed), true) : await condition(changed, Math.max(wakeAt - Date.now(), 1));
    if (!woke && tasksFirst) {
      await rt.serially(() => noteOverdueTasks(rt));
    } else if (!woke && due) {
      await rt.serially(async () => {
        // An update may have landed while the timer fired; act only if this is still what is due.
        const still = nextDue(state, rt.reminders()!);
        if (still && still.kind === due.kind && still.at <= Date.now()) await onDue(rt, still);
      });
    }
  }
  await condition(() => rt.quiescent());
  return rt.view();
}

async function onDue(rt: IncidentRuntime, due: Due): Promise<void> {
  const { state } = rt;
  const now = new Date().toISOString();
  if (due.kind === 'status_update') {
    state.lastStatusReminderAt = now;
    await rt.record('reminder', SYSTEM_ACTOR, `Status update due: no update since ${state.lastStatusUpdateAt} (${state.severity} cadence).`, {
      details: { reminder: 'status_update' },
    });
  } else if (due.kind === 'no_commander') {
    state.lastCommanderNudgeAt = now;
    await rt.record('reminder', SYSTEM_ACTOR, `${rt.name} has no commander yet. Take command with \`role commander @you\`.`, {
      details: { reminder: 'no_commander' },
    });
  } else if (due.kind === 'unfilled_role') {
    await nudgeUnfilledRole(rt, due);
  } else if (severityPolicy(rt.policy(), state.severity).postmortem.required && !state.postmortemClosed) {
    await rt.transition('start_postmortem', SYSTEM_ACTOR, 'Reopen window over; postmortem required');
  } else {
    await rt.transition('close', SYSTEM_ACTOR, 'Reopen window over; closed', { closedAt: now });
  }
}

/** Triage starts the moment the incident exists: validators see it at once, the write is queued first. */
function startTriage(rt: IncidentRuntime): void {
  rt.state.phase = 'triage';
  void rt.serially(async () => {
    await rt.record('phase', SYSTEM_ACTOR, 'Triage started', {
      changes: { phase: 'triage' },
      details: { from: 'declared', to: 'triage', event: 'start_triage' },
      auditAction: 'incident.start_triage',
    });
    // This notice is the one the PagerDuty notifier pages on; the note says so on the timeline.
    await noteDeclarationPage(rt);
  });
}

/**
 * Triage context (recent deploys, releases, merged PRs, similar incidents) is gathered beside the
 * serial queue, so a slow GitHub never holds up the first commands of an incident.
 */
function gatherContext(rt: IncidentRuntime): void {
  const { state } = rt;
  rt.track(
    context
      .gatherTriageContext({ incident: state.key, services: state.services, declaredAt: state.declaredAt })
      .then((found) => (found.text ? rt.serially(() => rt.record('context', SYSTEM_ACTOR, found.text, { details: found.details })) : undefined))
      .catch((err: unknown) => log.warn('triage context failed', { incident: state.key, error: String(err) })),
  );
}
