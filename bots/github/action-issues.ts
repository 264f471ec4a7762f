// A postmortem action item's GitHub issue closed or reopened by a person: the item follows, through
// its postmortem workflow. Such an issue is never an incident issue, so nothing here resolves or
// reopens an incident.

import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { issueRef } from '../../domain/github/refs.js';
import { findActionItemByIssue } from '../../db/queries/action-items.js';
import { postmortemWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import type { ActionItemStatus } from '../../domain/postmortem.js';
import { postmortemStateQuery, setActionStatusUpdate } from '../../workflows/postmortem/messages.js';
import { replyRedactor } from '../render/redaction.js';
import { toRefusal } from '../workflow-client.js';
import type { GitHubFrontEnd, Outcome } from './context.js';
import type { AwaitedOutcome } from '../../workflows/github-delivery/messages.js';
import { acceptUpdate } from './accept.js';
import { replyOpening, replyText } from './replies.js';

type IssuesPayload = EmitterWebhookEvent<'issues'>['payload'];

/** Undefined when the issue tracks no action item, so the incident-issue rules apply instead. */
export async function onActionIssueState(fe: GitHubFrontEnd, payload: IssuesPayload): Promise<Outcome | undefined> {
  if (payload.action !== 'closed' && payload.action !== 'reopened') return undefined;
  const repo = payload.repository.full_name;
  const ref = issueRef(repo, payload.issue.number);
  const row = await findActionItemByIssue(fe.db, ref);
  if (!row) return undefined;
  const item = row.key;
  const status: ActionItemStatus = payload.action === 'closed' ? 'done' : 'open';
  const incident = row.incidentKey;
  const workflowId = postmortemWorkflowId(incident);
  const view = await fe.client.workflow.getHandle(workflowId).query(postmortemStateQuery).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  // Firebreak's own closes (after `action done` in Slack) never get here: the webhook drops events
  // its bot sent. Should the bot's login be unknown for a moment, the item is already in that
  // state and this answers without an update.
  const current = view?.items.find((i) => i.key === item)?.status ?? row.status;
  if (current === status) return { result: `${item} already ${status}` };

  const login = payload.sender.login;
  // A person changed the issue expecting the item to follow; when it cannot, silence would leave
  // GitHub and the dashboard disagreeing without anyone knowing, so the refusal is said on the issue.
  const refuse = (text: string): Outcome => ({ result: `refused ${item} ${status}`, reply: { repo, number: payload.issue.number, body: replyText(login, text, replyRedactor(fe.policy, incident)) } });
  const stays = status === 'open' ? `${item} stays ${current}; for more work, add a new action item with \`/incident action add\`.` : `${item} stays ${current}.`;
  // A closed postmortem's workflow has finished and takes no updates; say so in words.
  if (!view) return refuse(`${incident} has no postmortem running. ${stays}`);
  if (view.status === 'closed') return refuse(`The postmortem of ${incident} is closed. ${stays}`);

  const actor: Actor = { source: 'github', id: login, name: login };
  try {
    // The policy decision point decides who may move the item in the workflow's queue, so a
    // refusal may come after acceptance: the delivery's workflow then says it on the issue.
    const accepted = await acceptUpdate(
      fe.client,
      workflowId,
      setActionStatusUpdate,
      { actor, item, status, via: 'github' },
      // A redelivery of this event carries the same issue timestamp and sender; the next close or reopen does not.
      `github:${ref}:${payload.action}:${payload.issue.updated_at}:${login}`,
    );
    const awaiting: AwaitedOutcome = { workflowId, ...accepted, incident, repo, number: payload.issue.number, opening: replyOpening(login), onSuccess: 'silent', afterRefusal: stays };
    return { result: `accepted ${item} ${status}`, awaiting };
  } catch (err) {
    const refusal = isNotFound(err) ? new Error(`The postmortem of ${incident} is closed.`) : toRefusal(err, incident);
    if (!refusal) throw err;
    return refuse(`${refusal.message} ${stays}`);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5);
}
