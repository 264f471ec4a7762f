// POST /github/webhooks: verify the signature on the capped raw body, answer at once what can do
// nothing (most deliveries: chatter, labels, other repositories), translate the rest (a workflow
// start or update), answer. The HTTP process writes nothing and sends nothing to GitHub:
// the delivery's workflow records it and posts the reply, and its ID de-duplicates redeliveries.
// A comment's update is answered once the delivery's workflow has started with it (the workflow
// sends it and waits for its outcome, then replies); an issue close is answered once its incident
// has accepted it. Until the delivery's workflow has started nothing is acknowledged, so a crash
// before that leaves the delivery to GitHub's (or Firebreak's) redelivery, whose update ID finds
// any update already sent.

import type { IncomingMessage } from 'node:http';
import type { EmitterWebhookEvent, Webhooks } from '@octokit/webhooks';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { readText } from '../../platform/http/read-body.js';
import { sendJson, type RouteHandler } from '../../platform/http/server.js';
import type { githubDeliveryWorkflow } from '../../workflows/github-delivery/workflow.js';
import { githubDeliveryWorkflowId, type GitHubDeliveryInput } from '../../workflows/github-delivery/messages.js';
import { ignored, type GitHubFrontEnd, type Outcome } from './context.js';
import { answeredAtTheDoor, registerEventHandlers, type EventTranslator } from './events.js';

/**
 * GitHub allows deliveries up to 25 MB, but the events Firebreak acts on are far smaller: an issue
 * or comment body is at most 65,536 characters, and the largest event here (an edited comment:
 * comment, issue body and the previous text) stays near 1 MB even escaped. Bigger deliveries (huge
 * pushes) are events Firebreak ignores anyway, and a 25 MB buffer per connection is an invitation.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The bot's login is fetched once at start; a handler never waits on GitHub longer than this. */
const BOT_LOGIN_WAIT_MS = 1_000;

const DUPLICATE = 'duplicate delivery';

export function createWebhookHandler(fe: GitHubFrontEnd, webhooks: Webhooks): RouteHandler {
  const translate = registerEventHandlers(fe, webhooks);
  return async (req, res) => {
    const id = header(req, 'x-github-delivery');
    const name = header(req, 'x-github-event');
    const signature = header(req, 'x-hub-signature-256');
    if (!id || !name || !signature) return sendJson(res, 400, { error: 'missing X-GitHub-Delivery, X-GitHub-Event or X-Hub-Signature-256' });
    // Capped before the signature check: an unsigned body is never held whole in memory.
    const body = await readText(req, MAX_BODY_BYTES);
    if (!(await webhooks.verify(body, signature).catch(() => false))) return sendJson(res, 401, { error: 'signature does not match' });

    let outcome: Outcome;
    try {
      const event = { id, name, payload: JSON.parse(body) } as EmitterWebhookEvent;
      const settled = answeredAtTheDoor(fe.policy, event);
      if (settled) {
        fe.logger.debug({ delivery: id, event: name, result: settled.result }, 'GitHub delivery');
        return sendJson(res, 200, { status: settled.result });
      }
      if (await delivered(fe, id)) return sendJson(res, 200, { status: DUPLICATE });
      outcome = await act(fe, translate, event);
    } catch (err) {
      // Nothing is recorded, so GitHub's (or our schedule's) redelivery gets a second chance.
      fe.logger.error({ err, delivery: id, event: name }, 'GitHub delivery failed');
      return sendJson(res, 500, { error: 'delivery failed; it can be redelivered' });
    }
    const input: GitHubDeliveryInput = {
      deliveryId: id,
      event: name,
      result: outcome.result,
      ...(outcome.reply ? { reply: outcome.reply } : {}),
      ...(outcome.awaiting ? { awaiting: outcome.awaiting } : {}),
    };
    let first: boolean;
    try {
      first = await startDeliveryWorkflow(fe, input);
    } catch (err) {
      fe.logger.error({ err, delivery: id, event: name }, 'GitHub delivery could not be recorded');
      return sendJson(res, 500, { error: 'delivery failed; it can be redelivered' });
    }
    // A copy of this delivery that raced this one was first: its workflow records and replies.
    if (!first) return sendJson(res, 200, { status: DUPLICATE });
    fe.logger.info({ delivery: id, event: name, result: outcome.result }, 'GitHub delivery');
    sendJson(res, 200, { status: outcome.result });
  };
}

async function act(fe: GitHubFrontEnd, translate: EventTranslator, event: EmitterWebhookEvent): Promise<Outcome> {
  // A bot account (type Bot) was turned away at the door; Firebreak's own login may be a user's.
  const sender = 'sender' in event.payload ? event.payload.sender : undefined;
  if (sender && sender.login === (await botLogin(fe))) return ignored('sent by a bot');
  return translate(event);
}

/** A delivery whose workflow exists was handled already (its workflow is the record of it). */
async function delivered(fe: GitHubFrontEnd, id: string): Promise<boolean> {
  try {
    await fe.client.workflow.getHandle(githubDeliveryWorkflowId(id)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5)) return false;
    throw err;
  }
}

/** False when another copy of the delivery started it first. */
async function startDeliveryWorkflow(fe: GitHubFrontEnd, input: GitHubDeliveryInput): Promise<boolean> {
  try {
    await fe.client.workflow.start<typeof githubDeliveryWorkflow>('githubDeliveryWorkflow', {
      workflowId: githubDeliveryWorkflowId(input.deliveryId),
      taskQueue: fe.taskQueue,
      args: [input],
      // Even a finished delivery's workflow answers a redelivery as a duplicate.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

async function botLogin(fe: GitHubFrontEnd): Promise<string | undefined> {
  return Promise.race([fe.api.botLogin(), new Promise<undefined>((r) => setTimeout(() => r(undefined), BOT_LOGIN_WAIT_MS).unref())]);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
