import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Action } from '../../domain/authorization/index.js';
import { findPersonByActor, findPersonByHandle, type Person, type Policy } from '../../domain/policy/index.js';
import { check, enforce, type Decision } from '../kernel/authorization.js';
import { formatElapsed, isValidDueDate, nextPostmortemDue, type PostmortemDue } from '../../domain/postmortem.js';
import type { PostmortemNotice } from '../../activities/postmortem/ports.js';
import type { StoredPostmortemEvent } from '../../db/queries/postmortems.js';
import { postmortemClosedSignal } from '../incident/messages.js';
import { github, notifications, persistence } from './activities.js';
import {
  addActionUpdate,
  approvePostmortemUpdate,
  assignActionUpdate,
  postmortemStateQuery,
  redraftSignal,
  setActionStatusUpdate,
  setPostmortemOwnerUpdate,
  submitPostmortemUpdate,
  type ActionItemState,
  type PostmortemActorInput,
  type PostmortemInput,
  type PostmortemState,
  type PostmortemView,
} from './messages.js';

const CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

/**
 * A postmortem (`postmortem:INC-N`) from draft to closed: in review after `postmortem publish`,
 * published once someone other than the owner approves, closed when its last action item is done.
 * Durable timers remind owners before and after due dates and escalate to the team's manager; the
 * run continues as new when its history grows, so tracking can last for months.
 */
export async function postmortemWorkflow(input: PostmortemInput): Promise<PostmortemView> {
  const pm = new Postmortem(input);
  registerHandlers(pm);
  await pm.start();
  while (pm.state.status !== 'closed') {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS) {
      await condition(() => pm.quiescent());
      pm.state.continuedAsNewCount++;
      await continueAsNew<typeof postmortemWorkflow>({ ...input, carried: pm.state });
    }
    const seen = pm.version;
    const due = nextPostmortemDue(pm.state, pm.timing(), Date.now());
    const changed = () => pm.version !== seen || workflowInfo().continueAsNewSuggested;
    const woke = due === undefined ? (await condition(changed), true) : await condition(changed, Math.max(due.at - Date.now(), 1));
    if (!woke && due) {
      await pm.serially(async () => {
        const still = nextPostmortemDue(pm.state, pm.timing(), Date.now());
        if (still && sameDue(still, due) && still.at <= Date.now()) await onDue(pm, still);
      });
    }
  }
  await condition(() => pm.quiescent());
  // The incident waits in its postmortem phase for this; a lost signal would keep it open forever.
  try {
    await getExternalWorkflowHandle(incidentWorkflowId(input.incident)).signal(postmortemClosedSignal, { actor: SYSTEM_ACTOR });
  } catch (err) {
    log.warn('could not tell the incident its postmortem closed', { incident: input.incident, error: String(err) });
  }
  return pm.view();
}

const sameDue = (a: PostmortemDue, b: PostmortemDue): boolean =>
  a.kind === b.kind && ('item' in a ? 'item' in b && a.item === b.item : true);

class Postmortem {
  state!: PostmortemState;
  version = 0;
  private loadedPolicy: Policy | undefined;
  private queue: Promise<unknown>;
  private pending = 0;

  constructor(readonly input: PostmortemInput) {
    // Handlers exist before the first await; they wait in the queue for the draft to exist.
    if (input.carried) this.state = input.carried;
    this.queue = persistence.loadPolicy().then((p) => {
      this.loadedPolicy = p;
    });
  }

  get incident(): string {
    return this.input.incident;
  }

  policy(): Policy {
    if (!this.loadedPolicy) throw ApplicationFailure.create({ type: 'PolicyNotLoaded', message: 'Policy not loaded yet.' });
    return this.loadedPolicy;
  }

  get ready(): boolean {
    return this.loadedPolicy !== undefined && this.state !== undefined;
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
    this.pending++;
    const run = this.queue.then(work).finally(() => {
      this.pending--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  quiescent(): boolean {
    return allHandlersFinished() && this.pending === 0;
  }

  refuse(type: string, message: string): never {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
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

  private send(notice: Omit<PostmortemNotice, 'incident'>): void {
    this.pending++;
    void notifications
      .notifyPostmortem({ incident: this.incident, ...notice })
      .catch((err: unknown) => log.warn('postmortem notification failed', { incident: this.incident, error: String(err) }))
      .finally(() => {
        this.pending--;
      });
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
    setHandler(definition, (input: I) => this.serially(async () => {
      validate(input);
      if (action) await enforce(this.policy(), input.actor, this.decision(action), { subject: `postmortem:${this.incident}`, incident: this.incident });
      return apply(input);
    }), {
      validator: (input: I) => {
        if (!this.ready) return;
        validate(input);
        if (action) check(this.policy(), input.actor, this.decision(action));
      },
    });
  }
}

async function onDue(pm: Postmortem, due: PostmortemDue): Promise<void> {
  const { state } = pm;
  if (!('item' in due)) {
    const escalate = due.kind === 'postmortem-escalation';
    const manager = pm.manager(state.team);
    const text = escalate
      ? `The postmortem of ${pm.incident} (owner ${state.owner}) is overdue since ${state.dueAt.slice(0, 10)} and still ${state.status.replace('_', ' ')}; escalated to ${manager ?? 'nobody: the owner has no team manager'}.`
      : `The postmortem of ${pm.incident} was due ${state.dueAt.slice(0, 10)} and is still ${state.status.replace('_', ' ')}.`;
    await pm.record(SYSTEM_ACTOR, escalate ? 'postmortem.escalate' : 'postmortem.overdue', text, { details: { owner: state.owner, ...(escalate && manager ? { manager } : {}) } });
    if (escalate) state.escalatedFor = state.dueAt;
    else state.overdueNoticeFor = state.dueAt;
    pm.notifyPerson(due.kind, escalate && manager ? manager : state.owner, text);
    return;
  }
  const item = pm.item(due.item);
  const when = `${item.key} "${item.text}" (owner ${item.owner}, due ${item.due})`;
  if (due.kind === 'item-reminder') {
    const text = `Reminder: ${when} is due soon.`;
    await pm.record(SYSTEM_ACTOR, 'action.remind', text, { item: { key: item.key, changes: { remindedAt: new Date().toISOString() } } });
    item.remindedFor = item.due;
    pm.notifyPerson(`${item.key}:remind:${item.due}`, item.owner, `${text} Mark it with \`/incident action done ${item.key}\` when finished.`);
  } else if (due.kind === 'item-overdue') {
    const text = `${when} is overdue.`;
    await pm.record(SYSTEM_ACTOR, 'action.overdue', text, { item: { key: item.key, changes: { remindedAt: new Date().toISOString() } } });
    item.remindedFor = item.due;
    item.overdueNoticeFor = item.due;
    pm.notifyPerson(`${item.key}:overdue:${item.due}`, item.owner, `${text} Finish it, or agree a new date with your manager.`);
  } else {
    const manager = pm.manager(item.team);
    const text = `${when} is still open after its due date; escalated to ${manager ?? 'nobody: the owner has no team manager'}.`;
    await pm.record(SYSTEM_ACTOR, 'action.escalate', text, { item: { key: item.key, changes: { escalatedAt: new Date().toISOString() } }, details: manager ? { manager } : {} });
    item.escalatedFor = item.due;
    if (manager) pm.notifyPerson(`${item.key}:escalate:${item.due}`, manager, `Escalation: ${when} from the postmortem of ${pm.incident} is overdue.`);
  }
}

function registerHandlers(pm: Postmortem): void {
  setHandler(postmortemStateQuery, () => {
    if (!pm.state) throw ApplicationFailure.create({ type: 'NotReady', message: `The postmortem of ${pm.incident} is still being drafted; ask again in a moment.` });
    return pm.view();
  });

  setHandler(redraftSignal, () => {
    void pm.serially(async () => {
      if (pm.state.status === 'closed') return;
      const { metrics } = await persistence.refreshPostmortemDocument({ incident: pm.incident });
      pm.state.metrics = metrics;
      pm.version++;
    });
  });

  const requireOpen = () => {
    if (pm.state.status === 'closed') pm.refuse('IllegalTransition', `The postmortem of ${pm.incident} is closed.`);
  };

  pm.handle(
    setPostmortemOwnerUpdate,
    (i) => {
      if (pm.state.status !== 'draft' && pm.state.status !== 'in_review') pm.refuse('IllegalTransition', `The postmortem of ${pm.incident} is ${pm.state.status}; its owner no longer changes.`);
      pm.person(i.actor);
      pm.named(i.owner);
    },
    async (i) => {
      const owner = pm.named(i.owner);
      if (owner.name === pm.state.owner) return pm.view();
      await pm.record(i.actor, 'postmortem.owner', `Postmortem of ${pm.incident} now owned by ${owner.name} (was ${pm.state.owner})`, {
        postmortem: { changes: { owner: owner.name, team: owner.team } },
      });
      pm.state.owner = owner.name;
      pm.state.team = owner.team;
      // Handing the postmortem on never makes its earlier owners eligible to approve it.
      if (pm.state.status === 'in_review') pm.state.reviewOwners = [...new Set([...(pm.state.reviewOwners ?? []), owner.name])];
      pm.notifyPerson('owner', owner.name, `You now own the postmortem of ${pm.incident}, due ${pm.state.dueAt.slice(0, 10)}.`);
      return pm.view();
    },
    'setPostmortemOwner',
  );

  pm.handle(
    submitPostmortemUpdate,
    (i) => {
      if (pm.state.status !== 'draft') pm.refuse('IllegalTransition', `The postmortem of ${pm.incident} is ${pm.state.status.replace('_', ' ')}; only a draft is submitted for review.`);
      pm.person(i.actor);
    },
    async (i) => {
      await pm.record(i.actor, 'postmortem.submit', `Postmortem of ${pm.incident} submitted for review by ${pm.person(i.actor).name}`, {
        postmortem: { changes: { status: 'in_review', submittedAt: new Date().toISOString() } },
      });
      pm.state.status = 'in_review';
      pm.state.reviewOwners = [pm.state.owner];
      const url = await pm.publishDocument(`${pm.incident}: postmortem in review`);
      if (url) await pm.record(SYSTEM_ACTOR, 'postmortem.document', `Postmortem document of ${pm.incident}: ${url}`, { postmortem: { changes: { documentUrl: url } } });
      pm.notifyIncident('submitted', `Postmortem of ${pm.incident} is in review${url ? `: ${url}` : ''}. Someone other than ${pm.state.owner} approves it with \`postmortem approve\`.`);
      return pm.view();
    },
    'submitPostmortem',
  );

  pm.handle(
    approvePostmortemUpdate,
    (i) => {
      if (pm.state.status !== 'in_review') {
        pm.refuse('IllegalTransition', pm.state.status === 'draft'
          ? `The postmortem of ${pm.incident} is still a draft; the owner submits it with \`postmortem publish\` first.`
          : `The postmortem of ${pm.incident} is already ${pm.state.status}.`);
      }
      pm.person(i.actor);
    },
    async (i) => {
      const approver = pm.person(i.actor).name;
      await pm.record(i.actor, 'postmortem.approve', `Postmortem of ${pm.incident} approved by ${approver} and published`, {
        postmortem: { changes: { status: 'published', approver, publishedAt: new Date().toISOString() } },
      });
      pm.state.status = 'published';
      pm.state.approver = approver;
      const url = await pm.publishDocument(`${pm.incident}: postmortem published (approved by ${approver})`);
      if (url && url !== pm.state.documentUrl) await pm.record(SYSTEM_ACTOR, 'postmortem.document', `Postmortem document of ${pm.incident}: ${url}`, { postmortem: { changes: { documentUrl: url } } });
      const stillOpen = pm.state.items.filter((x) => x.status === 'open').length;
      pm.notifyIncident('published', `Postmortem of ${pm.incident} published${url ? `: ${url}` : ''}. ${stillOpen ? `${stillOpen} action item${stillOpen === 1 ? '' : 's'} still open.` : 'No action items are open.'}`);
      await pm.closeIfDone(SYSTEM_ACTOR);
      return pm.view();
    },
    'approvePostmortem',
  );

  pm.handle(
    addActionUpdate,
    (i) => {
      requireOpen();
      pm.person(i.actor);
      pm.named(i.owner);
      if (!i.text.trim()) pm.refuse('InvalidInput', 'An action item needs what is to be done.');
      if (i.text.length > 300) pm.refuse('InvalidInput', 'An action item may be at most 300 characters; put the detail in its GitHub issue.');
      if (!isValidDueDate(i.due)) pm.refuse('InvalidInput', `${i.due} is not a date; use YYYY-MM-DD, like 2026-12-20.`);
    },
    async (i) => {
      const { item: key } = await persistence.allocateActionItem({ requestKey: `${pm.incident}:${i.requestKey}` });
      const existing = pm.state.items.find((x) => x.key === key);
      if (existing) return existing;
      const owner = pm.named(i.owner);
      const text = i.text.trim();
      const item: ActionItemState = { key, text, owner: owner.name, team: owner.team, due: i.due, priority: i.priority, status: 'open' };
      await pm.record(i.actor, 'action.add', `${key} added: ${text} (owner ${owner.name}, due ${i.due}, ${i.priority})`, {
        item: { key, create: { text, owner: owner.name, team: owner.team, priority: i.priority, due: i.due, createdBy: i.actor } },
      });
      pm.state.items.push(item);
      const issue = await github.openActionItemIssue({ incident: pm.incident, item: key });
      if (issue) {
        item.issueRef = issue.ref;
        item.issueUrl = issue.url;
        await pm.record(SYSTEM_ACTOR, 'action.issue', `${key} is tracked in ${issue.ref}`, { item: { key, changes: { issueRef: issue.ref, issueUrl: issue.url } } });
      }
      pm.notifyIncident(`${key}:add`, `${key} added to the postmortem of ${pm.incident}: ${text} — owner ${owner.name}, due ${i.due}, ${i.priority}${issue ? ` (${issue.url})` : ''}.`);
      if (owner.name !== pm.person(i.actor).name) pm.notifyPerson(`${key}:assigned`, owner.name, `You own ${key} from the postmortem of ${pm.incident}: ${text}, due ${i.due}.`);
      return item;
    },
    'addActionItem',
  );

  pm.handle(
    setActionStatusUpdate,
    (i) => {
      requireOpen();
      const item = pm.item(i.item);
      if (i.via !== 'github') pm.person(i.actor);
      if (item.status === i.status) pm.refuse('IllegalTransition', `${item.key} is already ${i.status}.`);
    },
    async (i) => {
      const item = pm.item(i.item);
      const who = i.via === 'github' ? `${i.actor.id} on GitHub` : pm.person(i.actor).name;
      const done = i.status === 'done';
      await pm.record(i.actor, done ? 'action.done' : 'action.reopen', `${item.key} ${done ? 'done' : 'reopened'} by ${who}: ${item.text}`, {
        item: { key: item.key, changes: { status: i.status, doneAt: done ? new Date().toISOString() : null } },
      });
      item.status = i.status;
      if (i.via !== 'github' && item.issueRef) await github.setActionIssueState({ ref: item.issueRef, state: done ? 'closed' : 'open', comment: `${done ? 'Done' : 'Reopened'} by ${who} in Firebreak.` });
      pm.notifyIncident(`${item.key}:${i.status}`, `${item.key} ${done ? 'done' : 'reopened'} by ${who}.`);
      await pm.closeIfDone(i.actor);
      return item;
    },
    // Closing the item's GitHub issue counts only when its author is someone the policy knows.
    'updateActionItem',
  );

  pm.handle(
    assignActionUpdate,
    (i) => {
      requireOpen();
      const item = pm.item(i.item);
      if (item.status !== 'open') pm.refuse('IllegalTransition', `${item.key} is done; reopen it before giving it to someone.`);
      pm.person(i.actor);
      pm.named(i.owner);
    },
    async (i) => {
      const item = pm.item(i.item);
      const owner = pm.named(i.owner);
      if (owner.name === item.owner) return item;
      await pm.record(i.actor, 'action.assign', `${item.key} given to ${owner.name} (was ${item.owner})`, { item: { key: item.key, changes: { owner: owner.name, team: owner.team } } });
      item.owner = owner.name;
      item.team = owner.team;
      pm.notifyPerson(`${item.key}:assigned:${owner.name}`, owner.name, `You now own ${item.key} from the postmortem of ${pm.incident}: ${item.text}, due ${item.due}.`);
      return item;
    },
    'updateActionItem',
  );
}
