// Where webhook events come from. Incident events: a notifier beside Slack's and GitHub's, fed the
// incident's own notices (and the timeline row and audit entry each names, for its details and the
// flag saga's `flag.*` actions). Grants, sandboxes, postmortems and action items: the activities that
// record their transitions, wrapped once in createActivities. Each event starts one delivery
// workflow (`webhook:<event ID>`), whose activity retries apart from the incident's own work: a
// subscriber that is down never holds up Slack, GitHub or the next notice.

import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { incidentIsPrivate } from '../../db/queries/webhooks.js';
import { auditLog, timelineEvents } from '../../db/schema/index.js';
import type { StoredGrantEvent, StoredPostmortemEvent, StoredSandboxEvent } from '../../domain/child-events.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { childEventType, incidentEventType, WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, webhookRecipients, type WebhookEventInput } from '../../domain/webhooks.js';
import type { Logger } from '../../platform/logger.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import type { IncidentNotifier } from '../notify.js';

export interface WebhookFeedDeps {
  db: Database;
  policy: () => Policy;
  logger: Logger;
}

/** Starts the event's delivery workflow, once per event ID, when some subscriber takes it. */
export async function startWebhookDelivery(deps: WebhookFeedDeps, input: WebhookEventInput): Promise<void> {
  if (webhookRecipients(deps.policy().webhooks, input).length === 0) return;
  const { client, info } = Context.current();
  try {
    await client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
      workflowId: webhookDeliveryWorkflowId(input.eventId),
      taskQueue: info.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

const who = (actor: Actor) => ({ source: actor.source, id: actor.id, ...(actor.name ? { name: actor.name } : {}) });

export function createWebhookNotifier(deps: WebhookFeedDeps): IncidentNotifier {
  return {
    name: 'webhooks',
    async notify(notice: IncidentNotice) {
      if (!deps.policy().webhooks) return;
      const [row] = await deps.db
        .select({ at: timelineEvents.occurredAt, actor: timelineEvents.actor, details: timelineEvents.details })
        .from(timelineEvents)
        .where(eq(timelineEvents.idempotencyKey, notice.eventKey));
      const [audit] = await deps.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.idempotencyKey, notice.eventKey));
      const details = row?.details ?? {};
      const { view } = notice;
      const type = incidentEventType(notice.kind, audit?.action, details);
      await startWebhookDelivery(deps, {
        eventId: notice.eventKey,
        type,
        incident: notice.incident,
        private: view.private === true,
        ...(row ? { occurredAt: row.at.toISOString() } : {}),
        data: {
          kind: notice.kind,
          ...(audit ? { action: audit.action } : {}),
          text: notice.text,
          ...(row ? { actor: who(row.actor) } : {}),
          details,
          incident: {
            key: view.key,
            title: view.title,
            severity: view.severity,
            phase: view.phase,
            services: view.services,
            declaredAt: view.declaredAt,
            ...(view.roles.commander ? { commander: who(view.roles.commander) } : {}),
          },
        },
      });
    },
  };
}

type ChildRecorders = {
  recordGrantEvent(event: StoredGrantEvent): Promise<{ applied: boolean }>;
  recordSandboxEvent(event: StoredSandboxEvent): Promise<{ applied: boolean }>;
  recordPostmortemEvent(event: StoredPostmortemEvent): Promise<{ applied: boolean }>;
};

/**
 * The same activities, each also starting the webhook delivery of the transition it recorded; on a
 * retry too (the start is idempotent), so a worker lost between the two still sends it.
 */
export function withChildWebhooks<T extends ChildRecorders>(activities: T, deps: WebhookFeedDeps): T {
  const feed = async (event: StoredGrantEvent | StoredSandboxEvent | StoredPostmortemEvent, subject: string, type: string, status: unknown) => {
    if (!deps.policy().webhooks) return;
    await startWebhookDelivery(deps, {
      eventId: event.idempotencyKey,
      type,
      incident: event.incident,
      private: await incidentIsPrivate(deps.db, event.incident),
      occurredAt: event.at,
      data: { subject, action: event.action, text: event.text, actor: who(event.actor), details: event.details, ...(status !== undefined ? { status } : {}) },
    });
  };
  return {
    ...activities,
    async recordGrantEvent(event: StoredGrantEvent) {
      const result = await activities.recordGrantEvent(event);
      await feed(event, event.grant, childEventType(event.action, false), event.changes.status);
      return result;
    },
    async recordSandboxEvent(event: StoredSandboxEvent) {
      const result = await activities.recordSandboxEvent(event);
      await feed(event, event.sandbox, childEventType(event.action, false), event.changes.status);
      return result;
    },
    async recordPostmortemEvent(event: StoredPostmortemEvent) {
      const result = await activities.recordPostmortemEvent(event);
      const item = event.item;
      await feed(event, item?.key ?? `postmortem:${event.incident}`, childEventType(event.action, item !== undefined), item ? item.changes?.status : event.postmortem?.changes?.status);
      return result;
    },
  };
}
