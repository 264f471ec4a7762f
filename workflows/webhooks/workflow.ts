import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { delivery } from './activities.js';
import type { WebhookDeliveryResult, WebhookEventInput, WebhookReplayInput, WebhookReplayResult } from './messages.js';

function failure(err: unknown): { type?: string; message: string } {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return { type: err.cause.type ?? undefined, message: err.cause.message };
  if (err instanceof ActivityFailure && err.cause) return { message: err.cause.message };
  throw err;
}

/**
 * One event to the subscribers that take it: the activity records it once per subscriber and posts
 * it; Temporal retries it with backoff while a subscriber is down. A refusal or tries that ran out
 * are recorded on the event's rows by the activity and end this workflow quietly.
 */
export async function webhookDeliveryWorkflow(input: WebhookEventInput): Promise<WebhookDeliveryResult> {
  try {
    await delivery.deliverWebhookEvent(input);
    return { delivered: true };
  } catch (err) {
    return { delivered: false, error: failure(err).message };
  }
}

/**
 * `firebreak webhooks replay`: the subscriber's undelivered and failed events (or all since a
 * time), oldest first, each sent again with its original ID and body and the same retries. When the
 * subscriber is still down (an event's tries ran out) the replay stops there and names the rest.
 */
export async function webhookReplayWorkflow(input: WebhookReplayInput): Promise<WebhookReplayResult> {
  const { eventIds } = await delivery.selectWebhookReplay({ subscriber: input.subscriber, actor: input.actor, ...(input.since ? { since: input.since } : {}) });
  const failed: string[] = [];
  let delivered = 0;
  for (const [i, eventId] of eventIds.entries()) {
    try {
      await delivery.redeliverWebhookEvent({ eventId, subscriber: input.subscriber, again: input.since !== undefined });
      delivered++;
    } catch (err) {
      failed.push(eventId);
      if (failure(err).type !== 'WebhookRefused') {
        failed.push(...eventIds.slice(i + 1));
        break;
      }
    }
  }
  return { subscriber: input.subscriber, selected: eventIds.length, delivered, failed };
}
