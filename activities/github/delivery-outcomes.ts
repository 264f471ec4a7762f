// The outcome of a command a GitHub delivery's webhook answered at once: this sends the update when
// the delivery carries it, waits for it to finish in its workflow and renders what the asker is
// told in the reply (the delivery's workflow posts it). Sending and waiting here, not in the HTTP
// process, is what lets the webhook answer once the delivery's workflow has started, while a
// worker that dies mid-command still ends in one reply.

import { Context } from '@temporalio/activity';
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, isGrpcServiceError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import type { Redactor } from '../../domain/redact.js';
import type { AwaitedOutcome, GitHubReply } from '../../workflows/github-delivery/messages.js';
import type { IncidentView } from '../../workflows/incident/messages.js';

/** Well inside the delivery workflow's heartbeat timeout of 15 s. */
const HEARTBEAT_MS = 5_000;

type Settled = { ok: true; value: unknown } | { ok: false; text: string };

export function createGitHubOutcomeActivities(deps: { client: Client; redactor: Redactor }) {
  return {
    /** The reply for an accepted command once it has finished; undefined when success says nothing. */
    async awaitGitHubOutcome(input: { deliveryId: string; awaiting: AwaitedOutcome }): Promise<GitHubReply | undefined> {
      const { awaiting } = input;
      const settled = await beating(() => settle(deps.client, awaiting));
      const text = settled.ok ? successText(awaiting, settled.value) : [settled.text, awaiting.afterRefusal].filter(Boolean).join(' ');
      if (text === undefined) return undefined;
      const redactor = awaiting.incident ? deps.redactor.forIncident(awaiting.incident) : deps.redactor;
      return { repo: awaiting.repo, number: awaiting.number, body: `${awaiting.opening}${neutraliseGitHubText(redactor.redact(text))}` };
    },
  };
}

export type GitHubOutcomeActivities = ReturnType<typeof createGitHubOutcomeActivities>;

/** Waits while telling Temporal it is alive; a cancelled attempt (its worker lost) stops its poll. */
async function beating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    return await Promise.race([work(), ctx.cancelled]);
  } finally {
    clearInterval(beat);
  }
}

/**
 * What to wait on: the update, sent first when the delivery carries it (under its update ID, so a
 * retried attempt or a redelivery finds the one already sent), or the declaration's workflow.
 */
async function outcomeOf(handle: WorkflowHandle, awaiting: AwaitedOutcome): Promise<{ result(): Promise<unknown> }> {
  const { send, updateId } = awaiting;
  if (send && updateId) return handle.startUpdate(send.update, { args: [send.input], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
  return updateId ? handle.getUpdateHandle(updateId, awaiting.runId ? { workflowRunId: awaiting.runId } : {}) : handle;
}

/** Refusals of a declaration's allocation that say what to do next (activities/incidents.ts). */
const DECLARATION_REFUSALS = new Set(['InvalidDeclaration', 'IncidentNumbersTaken']);

async function settle(client: Client, awaiting: AwaitedOutcome): Promise<Settled> {
  const handle = client.workflow.getHandle(awaiting.workflowId, awaiting.runId);
  const signal = Context.current().cancellationSignal;
  try {
    return { ok: true, value: await client.withAbortSignal(signal, async () => (await outcomeOf(handle, awaiting)).result()) };
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) return { ok: false, text: refusal };
    // Sent from here, the update found no incident: as the other front-ends say it (bots/workflow-client.ts).
    if (awaiting.send && (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5))) {
      return { ok: false, text: `${awaiting.incident ?? 'That incident'} does not exist; \`list\` shows the open incidents.` };
    }
    // The run that accepted it is gone (terminated by an operator): say so rather than nothing.
    if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5)) {
      return { ok: false, text: `Firebreak accepted this, but ${awaiting.incident ?? 'its workflow'} ended before it could say how it went; check the timeline.` };
    }
    // A declaration that failed for a reason nobody can fix from the issue (it timed out): said,
    // so the issue does not wait for an incident that will never come.
    if (!awaiting.updateId && err instanceof WorkflowFailedError) return { ok: false, text: 'Firebreak could not declare an incident from this issue; an operator can find why in its logs.' };
    throw err;
  }
}

/** The sentence a workflow refused with, as the webhook would have said it (bots/workflow-client.ts). */
function refusalOf(err: unknown): string | undefined {
  if (!(err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError)) return undefined;
  const cause = err.cause;
  // Refused in the workflow's queue (the state moved on since the validator said yes).
  if (cause instanceof ApplicationFailure && cause.message) return cause.message;
  const inner = cause instanceof ActivityFailure ? cause.cause : undefined;
  if (inner instanceof ApplicationFailure && inner.message && DECLARATION_REFUSALS.has(inner.type ?? '')) return inner.message;
  return undefined;
}

function successText(awaiting: AwaitedOutcome, value: unknown): string | undefined {
  if (awaiting.onSuccess === 'silent') return undefined;
  const view = value as IncidentView;
  // Resolving leaves what customers read alone: the reply says how to resolve that too.
  if (awaiting.onSuccess === 'resolved' && view.publicPage?.status === 'open') {
    return `${view.key} is resolved; its public incident is still open on the status page. Resolve it with \`statuspage resolve TEXT\`.`;
  }
  return `${view.key} is ${view.severity}, ${view.phase}.`;
}
