// `firebreak webhooks replay SUBSCRIBER [--since ISO|DURATION]`: sends a subscriber that was down its
// undelivered and failed events again (or every event since a time), each with its original event ID
// and body. The CLI only starts the replay workflow (workflows/webhooks/) and waits for its answer:
// the worker's activities do the sending, as for every other outbound call.

import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { parseDuration } from '../../domain/duration.js';
import type { Actor } from '../../domain/incident.js';
import { WEBHOOK_REPLAY_WORKFLOW, webhookReplayWorkflowId, type WebhookReplayInput, type WebhookReplayResult } from '../../domain/webhooks.js';

export interface WebhooksRequest {
  subscriber: string;
  since?: string;
}

const USAGE = 'Use `firebreak webhooks replay SUBSCRIBER [--since 2026-01-02T03:04:05Z|6h]`.';

/** The request, or the one sentence saying what is wrong with it. */
export function parseWebhooksArgs(rest: string[], values: { since?: string }, now: Date = new Date()): WebhooksRequest | { problem: string } {
  const [sub, subscriber, ...extra] = rest;
  if (sub !== 'replay' || !subscriber || extra.length > 0) return { problem: USAGE };
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(subscriber)) return { problem: `"${subscriber}" is not a subscriber name. ${USAGE}` };
  if (values.since === undefined) return { subscriber };
  const seconds = parseDuration(values.since);
  const at = seconds !== undefined ? new Date(now.getTime() - seconds * 1000) : /^\d{4}-\d\d-\d\d/.test(values.since) ? new Date(values.since) : undefined;
  if (!at || Number.isNaN(at.getTime())) return { problem: `--since must be a time like 2026-01-02T03:04:05Z or a duration like 6h, not "${values.since}".` };
  return { subscriber, since: at.toISOString() };
}

export interface WebhooksContext {
  actor: Actor;
  /** The invocation's key: the same key gets the first replay's answer, not a second replay. */
  requestKey: string;
  json: boolean;
  connect<T>(work: (ctx: { client: Client; taskQueue: string }) => Promise<T>): Promise<T>;
}

export async function webhooksCommand(request: WebhooksRequest, ctx: WebhooksContext): Promise<number> {
  const input: WebhookReplayInput = { subscriber: request.subscriber, actor: ctx.actor, ...(request.since ? { since: request.since } : {}) };
  const outcome = await ctx.connect(async ({ client, taskQueue }): Promise<{ result: WebhookReplayResult } | { refused: string }> => {
    const workflowId = webhookReplayWorkflowId(request.subscriber, ctx.requestKey);
    try {
      await client.workflow.start(WEBHOOK_REPLAY_WORKFLOW, { workflowId, taskQueue, args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    try {
      return { result: await client.workflow.getHandle(workflowId).result() };
    } catch (err) {
      const cause = err instanceof WorkflowFailedError ? refusal(err.cause) : undefined;
      if (cause) return { refused: cause };
      throw err;
    }
  });
  if ('refused' in outcome) {
    console.error(outcome.refused);
    return 1;
  }
  const { result } = outcome;
  if (ctx.json) console.log(JSON.stringify(result));
  else if (result.selected === 0) console.log(`Nothing to replay to ${result.subscriber}${request.since ? ` since ${request.since}` : ''}: every event was delivered.`);
  else {
    const line = `Replayed ${result.delivered} of ${result.selected} events to ${result.subscriber}, with their original event IDs.`;
    if (result.failed.length === 0) console.log(line);
    else console.error(`${line} Not delivered: ${result.failed.slice(0, 20).join(', ')}${result.failed.length > 20 ? ` and ${result.failed.length - 20} more` : ''}; run the replay again once ${result.subscriber} answers.`);
  }
  return result.failed.length === 0 ? 0 : 1;
}

/** The refusal sentence inside a failed workflow (an activity's ApplicationFailure), if it is one. */
function refusal(cause: unknown): string | undefined {
  for (let c = cause; c instanceof Error; c = (c as Error & { cause?: unknown }).cause) {
    if (c instanceof ApplicationFailure) return c.message;
  }
  return undefined;
}
