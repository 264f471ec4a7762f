// The postmortem's query, the incident's redraft signal and its updates: owner, submit, approve,
// and the action items. Each update validates first (and again in the serial queue), then records.

import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { isValidDueDate } from '../../domain/postmortem.js';
import { redraftSignal } from '../incident/messages.js';
import { github, persistence } from './activities.js';
import {
  addActionUpdate,
  approvePostmortemUpdate,
  assignActionUpdate,
  postmortemStateQuery,
  setActionStatusUpdate,
  setPostmortemOwnerUpdate,
  submitPostmortemUpdate,
  type ActionItemState,
} from './messages.js';
import type { Postmortem } from './state.js';

export function registerPostmortemHandlers(pm: Postmortem): void {
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
