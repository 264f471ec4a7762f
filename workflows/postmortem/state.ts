// The postmortem's state and the machinery its handlers and timers share: the kernel's serial
// queue and policy, persistence of each change (row + incident timeline + audit, key
// `postmortem:INC-N:<seq>`), notices to the incident and to people, and the GitHub document.

import type { UpdateDefinition } from '@temporalio/common';
import { log } from '@temporalio/workflow';
import type { Action } from '../../domain/authorization/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle, type Person, type Policy } from '../../domain/policy/rules.js';
import { formatElapsed } from '../../domain/postmortem.js';
import { check, enforce, handleSerially, PolicyHolder, refuse, SerialQueue, type Decision } from '../kernel/index.js';
import { github, notifications, persistence } from './activities.js';
import type { StoredPostmortemEvent } from '../../domain/child-events.js';
import type { ActionItemState, PostmortemActorInput, PostmortemInput, PostmortemNotice, PostmortemState, PostmortemView } from './messages.js';

export class Postmortem {
  state!: PostmortemState;
  version = 0;
  private readonly policies = new PolicyHolder();
  private readonly queue: SerialQueue;

  constructor(readonly input: PostmortemInput) {
    // Handlers exist before the first await; they wait in the queue for the draft to exist.
    if (input.carried) this.state = input.carried;
    this.queue = new SerialQueue(this.policies.loadFrom(persistence.loadPolicy()));
  }

  get incident(): string {
    return this.input.incident;
  }

  policy(): Policy {
    return this.policies.get();
  }

  get ready(): boolean {
    return this.policies.isLoaded && this.state !== undefined;
  }

  timing() {
    const p = this.policy().postmortems;
    return { reminderBeforeSeconds: p.reminderBeforeSeconds, escalateAfterSeconds: p.escalateAfterSeconds };
  }

  async start(): Promise<void> {
    await this.serially(async () => {
      if (this.state) return;
      const drafted = await persistence.draftPostmortem({
        incident: this.incident,
        idempotencyKey: `postmortem:${this.incident}:0`,
        at: new Date().toISOString(),
        requestedBy: this.input.requestedBy,
        ...(this.input.owner ? { owner: this.input.owner } : {}),
      });
      this.state = {
        incident: this.incident,
        status: drafted.status,
        owner: drafted.owner,
        ...(drafted.team ? { team: drafted.team } : {}),
        dueAt: drafted.dueAt,
        metrics: drafted.metrics,
        items: [],
        nextEventSeq: 1,
        continuedAsNewCount: 0,
      };
      const m = drafted.metrics;
      const measures = [
        m.timeToAcknowledgeSeconds !== undefined ? `acknowledged in ${formatElapsed(m.timeToAcknowledgeSeconds)}` : 'never acknowledged',
        m.timeToMitigateSeconds !== undefined ? `mitigated in ${formatElapsed(m.timeToMitigateSeconds)}` : 'never marked mitigated',
        m.timeToResolveSeconds !== undefined ? `resolved in ${formatElapsed(m.timeToResolveSeconds)}` : 'not resolved',
      ].join(', ');
      this.notifyIncident('drafted', `Postmortem for ${this.incident} drafted: owner ${drafted.owner}, due ${drafted.dueAt.slice(0, 10)}; ${measures}. The owner submits it with \`postmortem publish\`.`);
      this.notifyPerson('drafted', drafted.owner, `You own the postmortem of ${this.incident}, due ${drafted.dueAt.slice(0, 10)}. Fill in root cause and lessons, add action items with \`/incident ${this.incident} action add …\`, then \`/incident ${this.incident} postmortem publish\`.`);
    });
  }

  view(): PostmortemView {
    const { nextEventSeq: _seq, ...view } = this.state;
    return view;
  }

  serially<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.serially(work);
  }

  quiescent(): boolean {
    return this.queue.quiescent();
  }

  refuse(type: string, message: string): never {
    return refuse(type, message);
  }

  person(actor: Actor): Person & { team: string } {
    const p = findPersonByActor(this.policy(), actor);
    if (!p) this.refuse('NotAllowed', `${actor.name ?? actor.id} is not in any team of the policy, so Firebreak cannot tell who they are; add them to a team.`);
    return p;
  }

  named(actor: Actor): Person & { team: string } {
    const p = findPersonByActor(this.policy(), actor) ?? findPersonByHandle(this.policy(), actor.name ?? actor.id);
    if (!p) this.refuse('InvalidInput', `${actor.name ?? actor.id} is not in any team of the policy; owners must be people Firebreak can remind.`);
    return p;
  }

  item(key: string): ActionItemState {
    const item = this.state.items.find((i) => i.key === key);
    if (!item) this.refuse('InvalidInput', `${this.incident} has no action item ${key}.`);
    return item;
  }

  /** Persists one event with its row changes; the state is changed by the caller afterwards. */
  async record(actor: Actor, action: string, text: string, event: Pick<StoredPostmortemEvent, 'postmortem' | 'item'> & { details?: Record<string, unknown> } = {}): Promise<string> {
    const seq = this.state.nextEventSeq++;
    const at = new Date().toISOString();
    await persistence.recordPostmortemEvent({
      incident: this.incident,
      idempotencyKey: `postmortem:${this.incident}:${seq}`,
      at,
      actor,
      action,
      text,
      details: event.details ?? {},
      ...(event.postmortem ? { postmortem: event.postmortem } : {}),
      ...(event.item ? { item: event.item } : {}),
    });
    this.version++;
    return at;
  }

  /** Notices go out beside the queue (never holding up a change) but are waited for at the end. */
  private send(notice: Omit<PostmortemNotice, 'incident'>): void {
    this.queue.track(
      notifications
        .notifyPostmortem({ incident: this.incident, ...notice })
        .catch((err: unknown) => log.warn('postmortem notification failed', { incident: this.incident, error: String(err) })),
    );
  }

  notifyIncident(what: string, text: string): void {
    this.send({ key: `postmortem:${this.incident}:${this.state.nextEventSeq}:${what}`, audience: { kind: 'incident' }, text });
  }

  notifyPerson(what: string, name: string, text: string): void {
    const person = findPersonByHandle(this.policy(), name);
    if (!person) return;
    this.send({ key: `postmortem:${this.incident}:${this.state.nextEventSeq}:${what}:${name}`, audience: { kind: 'person', person }, text });
  }

  manager(team: string | undefined): string | undefined {
    return team ? this.policy().teams[team]?.manager : undefined;
  }

  /** Publishes the document as it now stands (GitHub when configured) and remembers its URL. */
  async publishDocument(message: string): Promise<string | undefined> {
    const { url } = await github.publishPostmortemDocument({ incident: this.incident, message });
    if (url) this.state.documentUrl = url;
    return url;
  }

  async closeIfDone(actor: Actor): Promise<void> {
    if (this.state.status !== 'published' || this.state.items.some((i) => i.status !== 'done')) return;
    await this.record(actor, 'postmortem.close', `Postmortem of ${this.incident} closed: every action item is done`, {
      postmortem: { changes: { status: 'closed', closedAt: new Date().toISOString() } },
    });
    this.state.status = 'closed';
    await this.publishDocument(`${this.incident}: postmortem closed`).catch((err: unknown) => log.warn('closing document not published', { error: String(err) }));
    this.notifyIncident('closed', `Postmortem of ${this.incident} is closed: every action item is done.`);
  }

  /** The facts the policy decision point needs about this postmortem, as it is now. */
  decision(action: Action): Decision {
    const s = this.state;
    const manager = this.manager(s.team);
    return { action, facts: { subject: this.incident, incident: this.incident, owner: s.owner, reviewOwners: s.reviewOwners ?? [], ...(manager ? { ownerManager: manager } : {}) } };
  }

  /**
   * Registers an update whose validator re-runs in the queue, after the draft exists; `action`
   * is what the policy decision point decides, in the validator and again in the queue.
   */
  handle<I extends PostmortemActorInput, R>(definition: UpdateDefinition<R, [I]>, validate: (input: I) => void, apply: (input: I) => Promise<R>, action?: Action): void {
    const validator = (input: I) => {
      if (!this.ready) return;
      validate(input);
      if (action) check(this.policy(), input.actor, this.decision(action));
    };
    handleSerially(this.queue, definition, validator, async (input: I) => {
      validate(input);
      if (action) await enforce(this.policy(), input.actor, this.decision(action), { subject: `postmortem:${this.incident}`, incident: this.incident });
      return apply(input);
    });
  }
}
