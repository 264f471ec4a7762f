import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import { SYSTEM_ACTOR, type Actor, type Role } from '../../domain/incident.js';
import { checkEditable, checkTransition, type LifecycleEvent } from '../../domain/lifecycle.js';
import { findPersonByActor, isAllowed, severityPolicy, type Permission, type Policy } from '../../domain/policy/index.js';
import type { IncidentChanges, IncidentEvent, TimelineKind } from '../../domain/timeline.js';
import { grantWorkflowId, sandboxWorkflowId } from '../../domain/ids.js';
import { incidentKeyAttribute, phaseAttribute, servicesAttribute, severityAttribute } from '../search-attributes.js';
import * as msg from './messages.js';
import { appendTimeline, describeSeverityChange, initialState, nextDue, toView, type Due, type ReminderPolicy } from './state.js';

// Persistence retries until Postgres is back; only a refused input (a bug) stops it.
const persistence = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['InvalidIncidentEvent'] },
});
// Notifications are worth a few tries, not an incident stuck behind a chat outage.
const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});

// Context is a nice-to-have: a few tries, then the incident goes on without it.
const context = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumAttempts: 3 },
});

interface RecordOptions {
  changes?: IncidentChanges;
  details?: Record<string, unknown>;
  auditAction?: string;
}

export async function incidentWorkflow(input: msg.IncidentInput): Promise<msg.IncidentView> {
  const state = input.carried ?? initialState(input);
  const name = state.key;
  let version = 0;
  // Handlers are registered before the first await so an update sent right after the start is
  // never rejected; everything that needs the policy waits for it in the serial queue.
  let loadedPolicy: Policy | undefined;
  let queue: Promise<unknown> = persistence.loadPolicy().then((p) => {
    loadedPolicy = p;
  });
  const policy = (): Policy => {
    if (!loadedPolicy) throw ApplicationFailure.create({ type: 'PolicyNotLoaded', message: 'Policy not loaded yet.' });
    return loadedPolicy;
  };
  // Notifications leave in order but never hold up an update's answer.
  let outbox: Promise<void> = Promise.resolve();
  // Serial jobs and notifications not yet finished.
  let pending = 0;

  const reminders = (): ReminderPolicy | undefined => {
    if (!loadedPolicy) return undefined;
    const sev = severityPolicy(loadedPolicy, state.severity);
    return {
      statusUpdateEverySeconds: sev.statusUpdateEverySeconds,
      commanderWithinSeconds: sev.commanderWithinSeconds,
      reopenWindowSeconds: loadedPolicy.incidents.reopenWindowSeconds,
    };
  };
  const view = () => toView(state, reminders());

  /** Handlers run one at a time, so a validator's verdict still holds when its handler writes. */
  function serially<T>(work: () => Promise<T>): Promise<T> {
    pending++;
    const run = queue.then(work).finally(() => {
      pending--;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  /** Nothing may be in flight when the run ends or continues as new, or an accepted update is lost. */
  const quiescent = () => allHandlersFinished() && pending === 0;

  /** Persists one event, applies it to the state and queues its notification; returns its time. */
  async function record(kind: TimelineKind, actor: Actor, text: string, options: RecordOptions = {}, ref?: string): Promise<string> {
    const seq = state.nextEventSeq++;
    const event: IncidentEvent = {
      incident: state.key,
      idempotencyKey: `${state.key}:${seq}`,
      at: new Date().toISOString(),
      kind,
      actor,
      text,
      ...options,
    };
    const stored = await persistence.recordIncidentEvent(event);
    applyChanges(options.changes ?? {});
    appendTimeline(state, { at: event.at, kind, actor, text: stored.text, ...(ref ? { ref } : {}) }, policy().incidents.timelineLimit);
    version++;
    const notice = { incident: state.key, eventKey: event.idempotencyKey, kind, text: stored.text, view: view() };
    pending++;
    outbox = outbox
      .then(() => notifications.publishIncidentUpdate(notice))
      .catch((err: unknown) => log.warn('incident notification failed', { incident: state.key, error: String(err) }))
      .finally(() => {
        pending--;
      });
    return event.at;
  }

  function applyChanges(changes: IncidentChanges): void {
    for (const [field, value] of Object.entries(changes)) {
      (state as unknown as Record<string, unknown>)[field] = value === null ? undefined : value;
    }
    if (changes.severity || changes.phase || changes.services) {
      upsertSearchAttributes([
        { key: incidentKeyAttribute, value: state.key },
        { key: severityAttribute, value: state.severity },
        { key: phaseAttribute, value: state.phase },
        { key: servicesAttribute, value: state.services },
      ]);
    }
  }

  async function transition(event: LifecycleEvent, actor: Actor, text: string, extra: IncidentChanges = {}): Promise<void> {
    const check = checkTransition(state.phase, event, name);
    if (!check.ok) refuse('IllegalTransition', check.reason);
    await record('phase', actor, text, {
      changes: { phase: check.to, ...extra },
      details: { from: state.phase, to: check.to, event },
      auditAction: `incident.${event}`,
    });
  }

  function personKey(actor: Actor): string {
    return findPersonByActor(policy(), actor)?.name ?? `${actor.source}:${actor.id}`;
  }

  /** Before the policy is loaded only the handler (in the queue) can decide; the validator defers. */
  function authorize(permission: Permission, actor: Actor): void {
    if (actor.source === 'system' || !loadedPolicy) return;
    const incidentRoles: Partial<Record<Role, string>> = {};
    for (const [role, holder] of Object.entries(state.roles)) incidentRoles[role as Role] = personKey(holder);
    const verdict = isAllowed(loadedPolicy, permission, { person: personKey(actor), incidentRoles, incident: name });
    if (!verdict.allowed) throw ApplicationFailure.create({ type: 'NotAllowed', message: verdict.reason, nonRetryable: true });
  }

  function refuse(type: string, message: string): never {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  }

  function requireTransition(event: LifecycleEvent): void {
    const check = checkTransition(state.phase, event, name);
    if (!check.ok) refuse('IllegalTransition', check.reason);
  }

  function requireEditable(): void {
    const check = checkEditable(state.phase, name);
    if (!check.ok) refuse('IllegalTransition', check.reason);
  }

  function requireText(text: string | undefined, what: string): void {
    if (!text || !text.trim()) refuse('InvalidInput', `A ${what} needs some text.`);
    if (text.length > 4000) refuse('InvalidInput', `A ${what} may be at most 4000 characters.`);
  }

  /** Registers an update whose validator also re-runs inside the serial queue before it writes. */
  function handle<I extends msg.ActorInput>(
    definition: UpdateDefinition<msg.IncidentView, [I]>,
    validate: (input: I) => void,
    apply: (input: I) => Promise<void>,
  ): void {
    setHandler(
      definition,
      (input: I) =>
        serially(async () => {
          validate(input);
          await apply(input);
          return view();
        }),
      { validator: validate },
    );
  }

  async function acknowledge(actor: Actor, at: string): Promise<void> {
    if (state.acknowledgedAt) return;
    if (state.phase === 'triage') {
      await transition('start_mitigation', actor, `Acknowledged by ${actor.name ?? actor.id}; mitigation under way`, {
        acknowledgedAt: at,
      });
    } else {
      await record('phase', actor, `Acknowledged by ${actor.name ?? actor.id}`, {
        changes: { acknowledgedAt: at },
        auditAction: 'incident.acknowledge',
      });
    }
  }

  handle(
    msg.editDetailsUpdate,
    (i) => {
      requireEditable();
      if (i.title !== undefined) requireText(i.title, 'title');
    },
    async (i) => {
      const changes: IncidentChanges = {};
      if (i.title !== undefined) changes.title = i.title.trim();
      if (i.description !== undefined) changes.description = i.description;
      if (i.services !== undefined) changes.services = [...new Set(i.services)];
      await record('details', i.actor, 'Details edited', { changes, auditAction: 'incident.details' });
    },
  );

  handle(
    msg.setSeverityUpdate,
    (i) => {
      requireEditable();
      authorize('severity', i.actor);
      if (i.severity === state.severity) refuse('InvalidInput', `${name} is already ${i.severity}.`);
    },
    async (i) => {
      await record('severity', i.actor, describeSeverityChange(state.severity, i.severity, i.reason), {
        changes: { severity: i.severity },
        details: { from: state.severity, to: i.severity },
        auditAction: 'incident.severity',
      });
    },
  );

  handle(
    msg.assignRoleUpdate,
    (i) => {
      requireEditable();
      authorize('assignRole', i.actor);
    },
    async (i) => {
      const roles = { ...state.roles, [i.role]: i.person };
      await record('role', i.actor, `${i.person.name ?? i.person.id} is now ${i.role}`, {
        changes: { roles },
        details: { role: i.role, person: i.person },
        auditAction: 'incident.role',
      });
      if (i.role === 'commander') await acknowledge(i.actor, new Date().toISOString());
    },
  );

  handle(msg.acknowledgeUpdate, () => requireEditable(), async (i) => {
    if (!state.roles.commander) {
      await record('role', i.actor, `${i.actor.name ?? i.actor.id} took command`, {
        changes: { roles: { ...state.roles, commander: i.actor } },
        details: { role: 'commander', person: i.actor },
        auditAction: 'incident.role',
      });
    }
    await acknowledge(i.actor, new Date().toISOString());
  });

  handle(
    msg.addNoteUpdate,
    (i) => {
      requireEditable();
      requireText(i.text, 'note');
    },
    async (i) => void (await record('note', i.actor, i.text.trim())),
  );

  handle(
    msg.postStatusUpdate,
    (i) => {
      requireEditable();
      requireText(i.text, 'status update');
    },
    async (i) => {
      // A posted update restarts the severity's cadence.
      state.lastStatusUpdateAt = await record('status_update', i.actor, i.text.trim());
      state.lastStatusReminderAt = undefined;
    },
  );

  handle(
    msg.markMitigatedUpdate,
    () => requireTransition('mitigated'),
    (i) => transition('mitigated', i.actor, i.text?.trim() || 'Marked mitigated; monitoring', { mitigatedAt: new Date().toISOString() }),
  );

  handle(
    msg.resolveUpdate,
    (i) => {
      requireTransition('resolve');
      authorize('resolve', i.actor);
    },
    async (i) => {
      await transition('resolve', i.actor, i.text?.trim() || 'Resolved', { resolvedAt: new Date().toISOString() });
      await tearDown(i.actor);
    },
  );

  handle(
    msg.reopenUpdate,
    (i) => {
      requireTransition('reopen');
      authorize('reopen', i.actor);
    },
    (i) => transition('reopen', i.actor, i.text?.trim() || 'Reopened', { resolvedAt: null }),
  );

  handle(
    msg.pinMessageUpdate,
    (i) => {
      requireEditable();
      requireText(i.text, 'pinned message');
    },
    async (i) => {
      // Event APIs redeliver; pinning the same message twice must not add a second entry.
      if (state.timeline.some((e) => e.ref === i.ref)) return;
      await record('pinned', i.actor, i.text.trim(), { details: { ref: i.ref, messageAt: i.at } }, i.ref);
    },
  );

  handle(
    msg.unpinMessageUpdate,
    () => requireEditable(),
    async (i) => {
      await persistence.removePinnedEntry({ incident: state.key, ref: i.ref });
      state.timeline = state.timeline.filter((e) => e.ref !== i.ref);
      version++;
    },
  );

  setHandler(msg.stateQuery, view);

  setHandler(msg.childStatusSignal, (child) => {
    const existing = state.children.findIndex((c) => c.kind === child.kind && c.id === child.id);
    if (existing >= 0) state.children[existing] = child;
    else state.children.push(child);
    version++;
  });

  setHandler(msg.postmortemClosedSignal, ({ actor }) => {
    void serially(async () => {
      if (state.phase === 'postmortem') await transition('close', actor, 'Postmortem closed', { closedAt: new Date().toISOString() });
    });
  });

  /** Resolve guarantees teardown: every child that still holds something is told to let go. */
  async function tearDown(actor: Actor): Promise<void> {
    const live = state.children.filter((c) => c.needsTeardown && (c.kind === 'grant' || c.kind === 'sandbox'));
    for (const child of live) {
      const workflowId = child.kind === 'grant' ? grantWorkflowId(child.id) : sandboxWorkflowId(child.id);
      try {
        await getExternalWorkflowHandle(workflowId).signal(msg.teardownSignal, { incident: state.key, reason: `${name} resolved` });
      } catch (err) {
        log.warn('teardown signal failed', { workflowId, error: String(err) });
      }
    }
    if (live.length > 0) {
      await record('teardown', actor, `Teardown requested for ${live.map((c) => c.id).join(', ')}`, {
        auditAction: 'incident.teardown',
        details: { children: live.map((c) => c.id) },
      });
    }
  }

  async function onDue(due: Due): Promise<void> {
    const now = new Date().toISOString();
    if (due.kind === 'status_update') {
      state.lastStatusReminderAt = now;
      await record('reminder', SYSTEM_ACTOR, `Status update due: no update since ${state.lastStatusUpdateAt} (${state.severity} cadence).`, {
        details: { reminder: 'status_update' },
      });
    } else if (due.kind === 'no_commander') {
      state.lastCommanderNudgeAt = now;
      await record('reminder', SYSTEM_ACTOR, `${name} has no commander yet. Take command with \`role commander @you\`.`, {
        details: { reminder: 'no_commander' },
      });
    } else if (severityPolicy(policy(), state.severity).postmortem.required) {
      await transition('start_postmortem', SYSTEM_ACTOR, 'Reopen window over; postmortem required');
    } else {
      await transition('close', SYSTEM_ACTOR, 'Reopen window over; closed', { closedAt: now });
    }
  }

  /**
   * Triage context (recent deploys, releases, merged PRs, similar incidents) is gathered beside
   * the serial queue, so a slow GitHub never holds up the first commands of an incident.
   */
  function gatherContext(): void {
    pending++;
    const gathering = context
      .gatherTriageContext({ incident: state.key, services: state.services, declaredAt: state.declaredAt })
      .then((found) => (found.text ? serially(() => record('context', SYSTEM_ACTOR, found.text, { details: found.details })) : undefined))
      .catch((err: unknown) => log.warn('triage context failed', { incident: state.key, error: String(err) }))
      .finally(() => {
        pending--;
      });
    void gathering;
  }

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= (loadedPolicy?.incidents.continueAsNewAfterEvents ?? Infinity);

  if (!input.carried) {
    // Triage starts the moment the incident exists: validators must see it at once, while the
    // write queues ahead of any update that arrives in the meantime.
    state.phase = 'triage';
    void serially(() =>
      record('phase', SYSTEM_ACTOR, 'Triage started', {
        changes: { phase: 'triage' },
        details: { from: 'declared', to: 'triage', event: 'start_triage' },
        auditAction: 'incident.start_triage',
      }),
    );
  }
  if (!input.carried && patched('triage-context')) gatherContext();
  await queue;
  applyChanges({ severity: state.severity, phase: state.phase, services: state.services });

  while (state.phase !== 'closed') {
    if (shouldContinueAsNew()) {
      await condition(quiescent);
      state.continuedAsNewCount++;
      await continueAsNew<typeof incidentWorkflow>({ ...input, carried: state });
    }
    const seen = version;
    const due = nextDue(state, reminders()!);
    const woke =
      due === undefined
        ? (await condition(() => version !== seen || shouldContinueAsNew()), true)
        : await condition(() => version !== seen || shouldContinueAsNew(), Math.max(due.at - Date.now(), 1));
    if (!woke && due) {
      await serially(async () => {
        // An update may have landed while the timer fired; act only if this is still what is due.
        const still = nextDue(state, reminders()!);
        if (still && still.kind === due.kind && still.at <= Date.now()) await onDue(still);
      });
    }
  }
  await condition(quiescent);
  return view();
}
