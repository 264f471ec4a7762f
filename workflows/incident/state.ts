// The incident's state and the machinery every group of handlers shares: the kernel's serial
// queue (which keeps validators' verdicts true while handlers write) and policy, persistence of
// events with their notifications, and the checks handlers use to refuse bad input.

import type { UpdateDefinition } from '@temporalio/common';
import { currentUpdateInfo, log, upsertSearchAttributes } from '@temporalio/workflow';
import type { Actor, Role } from '../../domain/incident.js';
import { checkEditable, checkTransition, type LifecycleEvent } from '../../domain/lifecycle.js';
import type { Facts } from '../../domain/authorization/index.js';
import { findPersonByActor, severityPolicy, type Policy } from '../../domain/policy/rules.js';
import { requiredRoles } from '../../domain/policy/roles-rules.js';
import { memberNames } from '../../domain/policy/privacy-rules.js';
import type { IncidentChanges, IncidentEvent, TimelineEntry, TimelineKind } from '../../domain/timeline.js';
import { check, enforce, findRecentUpdate, handleSerially, PolicyHolder, refuse, rememberUpdate, SerialQueue, type Decision } from '../kernel/index.js';
import { incidentKeyAttribute, phaseAttribute, servicesAttribute, severityAttribute } from '../kernel/search-attributes.js';
import { incidentRows, notifications } from './activities.js';
import type { ActorInput, IncidentInput, IncidentNotice, IncidentState, IncidentView } from './messages.js';
import { statusUpdateDueAt, type ReminderPolicy } from './reminders.js';

export interface RecordOptions {
  changes?: IncidentChanges;
  details?: Record<string, unknown>;
  auditAction?: string;
  /** External reference kept on the timeline entry (pinned messages). */
  ref?: string;
}

export function initialState(input: IncidentInput): IncidentState {
  return {
    key: input.key,
    title: input.title,
    description: input.description,
    severity: input.severity,
    phase: 'declared',
    services: [...input.services],
    roles: {},
    source: input.source,
    sourceRef: input.sourceRef,
    reporter: input.reporter,
    declaredAt: input.declaredAt,
    lastStatusUpdateAt: input.declaredAt,
    nextEventSeq: 1,
    // The declaration itself was recorded by the declare workflow as event 0.
    timeline: [{ at: input.declaredAt, kind: 'declared', actor: input.reporter, text: `Declared ${input.severity}: ${input.title}` }],
    children: [],
    continuedAsNewCount: 0,
    ...(input.private ? { private: true } : {}),
  };
}

export function appendTimeline(state: IncidentState, entry: TimelineEntry, limit: number): void {
  state.timeline.push(entry);
  if (state.timeline.length > limit) state.timeline.splice(0, state.timeline.length - limit);
}

export function toView(state: IncidentState, policy: ReminderPolicy | undefined): IncidentView {
  const { nextEventSeq: _seq, children, lastStatusReminderAt: _r, lastCommanderNudgeAt: _n, recentUpdates: _u, ...rest } = state;
  const due = statusUpdateDueAt(state, policy);
  return {
    ...rest,
    timeline: [...state.timeline],
    grants: children.filter((c) => c.kind === 'grant'),
    sandboxes: children.filter((c) => c.kind === 'sandbox'),
    flagChanges: children.filter((c) => c.kind === 'flag'),
    actionItems: children.filter((c) => c.kind === 'action'),
    statusUpdateDueAt: due === undefined ? undefined : new Date(due).toISOString(),
    ...(policy?.requiredRoles?.length ? { requiredRoles: [...policy.requiredRoles] } : {}),
  };
}

export class IncidentRuntime {
  /** Bumped on every change the main loop must look at (new deadlines, phase changes). */
  version = 0;
  /** Called after every recorded event (automation rules look for their triggers: automation.ts). */
  private readonly recordedHooks: Array<(kind: TimelineKind, actor: Actor, details: Record<string, unknown> | undefined) => void> = [];
  /** Set by the workflow when this run nudges unfilled required roles (workflows/incident/roles.ts). */
  nudgeRequiredRoles = false;
  private readonly policies = new PolicyHolder();
  private readonly queue: SerialQueue;

  constructor(readonly state: IncidentState) {
    // Handlers are registered before the first await so an update sent right after the start is
    // never rejected; everything that needs the policy waits for it in the serial queue.
    this.queue = new SerialQueue(this.policies.loadFrom(incidentRows().loadPolicy()));
  }

  get name(): string {
    return this.state.key;
  }

  get policyLoaded(): boolean {
    return this.policies.isLoaded;
  }

  policy(): Policy {
    return this.policies.get();
  }

  reminders(): ReminderPolicy | undefined {
    const policy = this.policies.peek();
    if (!policy) return undefined;
    const sev = severityPolicy(policy, this.state.severity);
    return {
      statusUpdateEverySeconds: sev.statusUpdateEverySeconds,
      commanderWithinSeconds: sev.commanderWithinSeconds,
      reopenWindowSeconds: policy.incidents.reopenWindowSeconds,
      requiredRoles: requiredRoles(policy, this.state.severity),
      nudgeRequiredRoles: this.nudgeRequiredRoles,
    };
  }

  view(): IncidentView {
    return toView(this.state, this.reminders());
  }

  /** Everything queued so far (the policy load first of all); see SerialQueue.drain. */
  drainQueue(): Promise<unknown> {
    return this.queue.drain();
  }

  serially<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.serially(work);
  }

  track(work: Promise<unknown>): void {
    this.queue.track(work);
  }

  quiescent(): boolean {
    return this.queue.quiescent();
  }

  /** Persists one event, applies it to the state and queues its notification; returns its time. */
  async record(kind: TimelineKind, actor: Actor, text: string, options: RecordOptions = {}): Promise<string> {
    const { ref, ...persisted } = options;
    const seq = this.state.nextEventSeq++;
    const event: IncidentEvent = {
      incident: this.state.key,
      idempotencyKey: `${this.state.key}:${seq}`,
      at: new Date().toISOString(),
      kind,
      actor,
      text,
      ...persisted,
    };
    const stored = await incidentRows().recordIncidentEvent(event);
    this.applyChanges(options.changes ?? {});
    appendTimeline(this.state, { at: event.at, kind, actor, text: stored.text, ...(ref ? { ref } : {}) }, this.policy().incidents.timelineLimit);
    this.version++;
    const notice: IncidentNotice = { incident: this.state.key, eventKey: event.idempotencyKey, kind, text: stored.text, view: this.view() };
    this.queue.sendInOrder(
      () => notifications.publishIncidentUpdate(notice),
      (err: unknown) => log.warn('incident notification failed', { incident: this.state.key, error: String(err) }),
    );
    for (const hook of this.recordedHooks) hook(kind, actor, options.details);
    return event.at;
  }

  /** `hook` sees every event once it is recorded; it must queue its work, never await it here. */
  afterRecord(hook: (kind: TimelineKind, actor: Actor, details: Record<string, unknown> | undefined) => void): void {
    this.recordedHooks.push(hook);
  }

  applyChanges(changes: IncidentChanges): void {
    for (const [field, value] of Object.entries(changes)) {
      (this.state as unknown as Record<string, unknown>)[field] = value === null ? undefined : value;
    }
    if (changes.severity || changes.phase || changes.services) this.upsertSearchAttributes();
  }

  upsertSearchAttributes(): void {
    upsertSearchAttributes([
      { key: incidentKeyAttribute, value: this.state.key },
      { key: severityAttribute, value: this.state.severity },
      { key: phaseAttribute, value: this.state.phase },
      { key: servicesAttribute, value: this.state.services },
    ]);
  }

  async transition(event: LifecycleEvent, actor: Actor, text: string, extra: IncidentChanges = {}): Promise<void> {
    const check = checkTransition(this.state.phase, event, this.name);
    if (!check.ok) this.refuse('IllegalTransition', check.reason);
    await this.record('phase', actor, text, {
      changes: { phase: check.to, ...extra },
      details: { from: this.state.phase, to: check.to, event },
      auditAction: `incident.${event}`,
    });
  }

  /** A person's key for authorization: their policy name, or source:id for people it does not know. */
  personKey(actor: Actor): string {
    return findPersonByActor(this.policy(), actor)?.name ?? `${actor.source}:${actor.id}`;
  }

  /** Who holds each role now, by person key: decisions look at today's holders, never a snapshot. */
  roleKeys(): Partial<Record<Role, string>> {
    const roles: Partial<Record<Role, string>> = {};
    for (const [role, holder] of Object.entries(this.state.roles)) if (holder) roles[role as Role] = this.personKey(holder);
    return roles;
  }

  /** The facts every incident decision starts from, with the action's own on top. */
  decision(action: Decision['action'], facts: Facts = {}): Decision {
    const privacy = this.state.private === true ? { privateIncident: true, members: memberNames(this.policy(), this.state) } : {};
    return { action, facts: { incident: this.name, roles: this.roleKeys(), ...privacy, ...facts } };
  }

  refuse(type: string, message: string): never {
    return refuse(type, message);
  }

  requireTransition(event: LifecycleEvent): void {
    const check = checkTransition(this.state.phase, event, this.name);
    if (!check.ok) this.refuse('IllegalTransition', check.reason);
  }

  requireEditable(): void {
    const check = checkEditable(this.state.phase, this.name);
    if (!check.ok) this.refuse('IllegalTransition', check.reason);
  }

  requireText(text: string | undefined, what: string): void {
    if (!text || !text.trim()) this.refuse('InvalidInput', `A ${what} needs some text.`);
    if (text.length > 4000) this.refuse('InvalidInput', `A ${what} may be at most 4000 characters.`);
  }

  /**
   * Registers an update whose validator also re-runs inside the serial queue before it writes.
   * `authorization` names what the update does; the policy decision point decides it in the
   * validator (before the policy is loaded only the handler can) and again in the queue.
   */
  handle<I extends ActorInput, R = IncidentView>(
    definition: UpdateDefinition<R, [I]>,
    validate: (input: I) => void,
    apply: (input: I) => Promise<R | void>,
    authorization?: (input: I) => Decision | Decision[],
  ): void {
    const validator = (input: I) => {
      // A repeat of an update applied before a continue-as-new is answered, not judged again.
      if (findRecentUpdate(this.state.recentUpdates, currentUpdateInfo()?.id)) return;
      validate(input);
      const policy = this.policies.peek();
      if (authorization && policy && input.actor.source !== 'system') {
        for (const decision of [authorization(input)].flat()) check(policy, input.actor, decision);
      }
    };
    handleSerially(this.queue, definition, validator, async (input: I, updateId) => {
      const earlier = findRecentUpdate(this.state.recentUpdates, updateId);
      if (earlier) return (earlier.result ?? this.view()) as R;
      validate(input);
      for (const decision of authorization ? [authorization(input)].flat() : []) {
        await enforce(this.policy(), input.actor, decision, { subject: this.name, incident: this.name });
      }
      const result = await apply(input);
      if (updateId) rememberUpdate(this.state, updateId, result);
      return (result ?? this.view()) as R;
    });
  }
}
