// Outbound webhooks: which event types exist, which subscribers want an event, and the payloads of
// the delivery and replay workflows (workflows/webhooks/), which live here because they are written
// into workflow histories. An event's ID is the idempotency key of what it reports (`INC-12:5`,
// `GR-3:2`, `postmortem:INC-12:4`), so a retried activity or a replay sends the same ID again.

import type { Actor } from './incident.js';
import type { TimelineKind } from './timeline.js';
import type { WebhookSubscriber, WebhooksPolicy } from './policy/webhooks.js';

/** The agreed input of `deliverWebhookEvent` (issue 17): every part that sends an event uses it. */
export interface WebhookEventInput {
  eventId: string;
  /** `incident.severity`, `grant.approve`, `action-item.done`, … */
  type: string;
  incident?: string;
  /** The incident is private: only subscribers marked `private: true` receive it. */
  private?: boolean;
  /** Only this subscriber (whatever its `events` say); every subscriber whose events match when absent. */
  subscriber?: string;
  data: Record<string, unknown>;
  /** When it happened (ISO); when the event is first recorded otherwise. */
  occurredAt?: string;
}

/** What a subscriber receives, as the JSON body (its exact bytes are signed and stored). */
export interface WebhookBody {
  id: string;
  type: string;
  occurredAt: string;
  incident: string | null;
  data: Record<string, unknown>;
}

export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';
export const WEBHOOK_REPLAY_WORKFLOW = 'webhookReplayWorkflow';

/** One delivery workflow per event: starting it again for the same event starts nothing. */
export const webhookDeliveryWorkflowId = (eventId: string) => `webhook:${eventId}`;
export const webhookReplayWorkflowId = (subscriber: string, requestKey: string) => `webhook-replay:${subscriber}:${requestKey}`;

export interface WebhookReplayInput {
  subscriber: string;
  /** ISO time: every event since then (delivered ones too); only undelivered and failed ones when absent. */
  since?: string;
  /** Who asked (the CLI's user): people in no team of the policy may not. */
  actor: Actor;
}

export interface WebhookReplayResult {
  subscriber: string;
  selected: number;
  delivered: number;
  /** Event IDs still not delivered when the replay ended (the subscriber is still down, or refused them). */
  failed: string[];
}

/** `incident.*` matches every incident event, `*` everything, anything else exactly one type. */
export function patternMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * The subscribers an event goes to, by name: the one named (whatever its events), or every one whose
 * events match. A private incident's events go only to subscribers marked private.
 */
export function webhookRecipients(webhooks: WebhooksPolicy | undefined, event: Pick<WebhookEventInput, 'type' | 'private' | 'subscriber'>): string[] {
  const subscribers = Object.entries(webhooks?.subscribers ?? {});
  const allowed = ([, s]: [string, WebhookSubscriber]) => event.private !== true || s.private;
  if (event.subscriber !== undefined) return subscribers.filter(([name, s]) => name === event.subscriber && allowed([name, s])).map(([name]) => name);
  return subscribers.filter((entry) => allowed(entry) && entry[1].events.some((p) => patternMatches(p, event.type))).map(([name]) => name);
}

/** The wait before try `attempt + 1` (seconds): firstWait, doubling, at most maxWait. */
export function webhookRetryWaitSeconds(retry: WebhooksPolicy['retry'], attempt: number): number {
  return Math.min(retry.firstWaitSeconds * 2 ** Math.max(0, attempt - 1), retry.maxWaitSeconds);
}

/**
 * The type of an incident timeline event: flag rollbacks are recorded by the incident workflow under
 * audit actions `flag.*` (and a verification under details.flag), everything else is `incident.<kind>`.
 */
export function incidentEventType(kind: TimelineKind, auditAction: string | undefined, details: Record<string, unknown>): string {
  if (auditAction?.startsWith('flag.')) return auditAction;
  if (kind === 'child' && details.flag !== undefined) return details.verification !== undefined ? 'flag.verification' : 'flag.note';
  return `incident.${kind.replace(/_/g, '-')}`;
}

/** The type of a child's transition: `access.approve` → `grant.approve`, an action item's → `action-item.…`. */
export function childEventType(action: string, isActionItem: boolean): string {
  const verb = action.includes('.') ? action.slice(action.indexOf('.') + 1) : action;
  if (isActionItem) return `action-item.${verb.replace(/^item[._-]/, '')}`;
  if (action.startsWith('access.')) return `grant.${verb}`;
  if (action.startsWith('sandbox.')) return `sandbox.${verb}`;
  return `postmortem.${verb}`;
}
