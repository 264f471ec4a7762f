// The incident workflow's machinery, shared by every group of handlers: the state, the serial
// queue that keeps validators' verdicts true while handlers write, persistence of events with
// their notifications, and the checks handlers use to refuse bad input.

import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, allHandlersFinished, log, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Actor, Role } from '../../domain/incident.js';
import { checkEditable, checkTransition, type LifecycleEvent } from '../../domain/lifecycle.js';
import type { Facts } from '../../domain/authorization/index.js';
import { findPersonByActor, severityPolicy, type Policy } from '../../domain/policy/index.js';
import { check, enforce, type Decision } from '../authorization.js';
import type { IncidentChanges, IncidentEvent, TimelineKind } from '../../domain/timeline.js';
import { incidentKeyAttribute, phaseAttribute, servicesAttribute, severityAttribute } from '../search-attributes.js';
import { notifications, persistence } from './activities.js';
import type { ActorInput, IncidentState, IncidentView } from './messages.js';
import { appendTimeline, toView, type ReminderPolicy } from './state.js';

export interface RecordOptions {
  changes?: IncidentChanges;
  details?: Record<string, unknown>;
  auditAction?: string;
  /** External reference kept on the timeline entry (pinned messages). */
  ref?: string;
}

export class IncidentRuntime {
  /** Bumped on every change the main loop must look at (new deadlines, phase changes). */
  version = 0;
  private loadedPolicy: Policy | undefined;
  private queue: Promise<unknown>;
  // Notifications leave in order but never hold up an update's answer.
  private outbox: Promise<void> = Promise.resolve();
  // Serial jobs, notifications and background work not yet finished.
  private pending = 0;

  constructor(readonly state: IncidentState) {
    // Handlers are registered before the first await so an update sent right after the start is
    // never rejected; everything that needs the policy waits for it in the serial queue.
    this.queue = persistence.loadPolicy().then((p) => {
      this.loadedPolicy = p;
    });
  }

  get name(): string {
    return this.state.key;
  }

  get policyLoaded(): boolean {
    return this.loadedPolicy !== undefined;
  }

  policy(): Policy {
    if (!this.loadedPolicy) throw ApplicationFailure.create({ type: 'PolicyNotLoaded', message: 'Policy not loaded yet.' });
    return this.loadedPolicy;
  }

  reminders(): ReminderPolicy | undefined {
    if (!this.loadedPolicy) return undefined;
    const sev = severityPolicy(this.loadedPolicy, this.state.severity);
    return {
      statusUpdateEverySeconds: sev.statusUpdateEverySeconds,
      commanderWithinSeconds: sev.commanderWithinSeconds,
      reopenWindowSeconds: this.loadedPolicy.incidents.reopenWindowSeconds,
    };
  }

  view(): IncidentView {
    return toView(this.state, this.reminders());
  }

  /**
   * Everything queued so far (the policy load first of all). Returned, not awaited here: an extra
   * async hop would move the caller's next command behind queued handlers' commands, which
   * replaying older histories would see as non-determinism.
   */
  drainQueue(): Promise<unknown> {
    return this.queue;
  }

  /** Handlers run one at a time, so a validator's verdict still holds when its handler writes. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(work).finally(() => {
      this.pending--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Tracks background work (beside the queue) so the run never ends with it in flight. */
  track(work: Promise<unknown>): void {
    this.pending++;
    const tracked = work.finally(() => {
      this.pending--;
    });
    void tracked;
  }

  /** Nothing may be in flight when the run ends or continues as new, or an accepted update is lost. */
  quiescent(): boolean {
    return allHandlersFinished() && this.pending === 0;
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
    const stored = await persistence.recordIncidentEvent(event);
    this.applyChanges(options.changes ?? {});
    appendTimeline(this.state, { at: event.at, kind, actor, text: stored.text, ...(ref ? { ref } : {}) }, this.policy().incidents.timelineLimit);
    this.version++;
    const notice = { incident: this.state.key, eventKey: event.idempotencyKey, kind, text: stored.text, view: this.view() };
    this.pending++;
    this.outbox = this.outbox
      .then(() => notifications.publishIncidentUpdate(notice))
      .catch((err: unknown) => log.warn('incident notification failed', { incident: this.state.key, error: String(err) }))
      .finally(() => {
        this.pending--;
      });
    return event.at;
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
    for (const [role, holder] of Object.entries(this.state.roles)) roles[role as Role] = this.personKey(holder);
    return roles;
  }

  /** The facts every incident decision starts from, with the action's own on top. */
  decision(action: Decision['action'], facts: Facts = {}): Decision {
    return { action, facts: { incident: this.name, roles: this.roleKeys(), ...facts } };
  }

  refuse(type: string, message: string): never {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
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
      validate(input);
      if (authorization && this.loadedPolicy && input.actor.source !== 'system') {
        for (const decision of [authorization(input)].flat()) check(this.loadedPolicy, input.actor, decision);
      }
    };
    setHandler(
      definition,
      (input: I) =>
        this.serially(async () => {
          validate(input);
          for (const decision of authorization ? [authorization(input)].flat() : []) {
            await enforce(this.policy(), input.actor, decision, { subject: this.name, incident: this.name });
          }
          const result = await apply(input);
          return (result ?? this.view()) as R;
        }),
      { validator },
    );
  }
}
