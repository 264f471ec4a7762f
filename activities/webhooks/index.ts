// Outbound webhooks (policy `webhooks:`): signed JSON events to subscribers, recorded in
// webhook_deliveries and delivered by Temporal-retried activities. `deliverWebhookEvent` is the
// activity other parts call (automation rules' `webhook` step).

export { createWebhookActivities, type WebhookActivities, type WebhookDeps } from './deliver.js';
export { createWebhookNotifier, startWebhookDelivery, withChildWebhooks } from './feed.js';
export { createWebhooksOutbound } from './integration.js';
export { postWebhook, webhookBodySignature, WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from './client.js';
