// The webhook workflows' contract: `webhook:<event ID>` (one per event, started by the activities
// that record events: activities/webhooks/feed.ts) and `webhook-replay:<subscriber>:<request>`
// (started by `firebreak webhooks replay`), with the payloads defined in domain/webhooks.ts, where
// history payloads live. Neither takes messages.

export {
  WEBHOOK_DELIVERY_WORKFLOW,
  WEBHOOK_REPLAY_WORKFLOW,
  webhookDeliveryWorkflowId,
  webhookReplayWorkflowId,
  type WebhookEventInput,
  type WebhookReplayInput,
  type WebhookReplayResult,
} from '../../domain/webhooks.js';

export interface WebhookDeliveryResult {
  delivered: boolean;
  /** Why not, when not: the subscriber refused it, or its tries ran out (see webhook_deliveries). */
  error?: string;
}
