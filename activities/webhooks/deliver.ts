// Webhook delivery as activities. `deliverWebhookEvent` (the agreed entry point: the delivery
// workflow, automation rules) records the event once per subscriber it goes to, with the exact body
// that is signed, then posts it to each subscriber whose row is not delivered yet. Temporal owns the
// retries: a subscriber that is down fails the activity with the wait before the next try (doubling
// from the policy's firstWait up to maxWait); after the policy's attempts the rows are recorded failed
// and the activity gives up. A 4xx (but 408 and 429) is final at once. A delivered row is never
// claimed again, so a retry or a second start never posts a delivered event twice.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { claimWebhookDelivery, failWebhookDelivery, incidentIsPrivate, finishWebhookDelivery, recordWebhookDeliveries, reopenWebhookDeliveries, webhookEventsToReplay } from '../../db/queries/webhooks.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { decide, resolveActor } from '../../domain/authorization/index.js';
import type { WebhookSubscriber } from '../../domain/policy/webhooks.js';
import type { Redactor } from '../../domain/redact.js';
import { webhookRecipients, webhookRetryWaitSeconds, type WebhookBody, type WebhookEventInput } from '../../domain/webhooks.js';
import type { Logger } from '../../platform/logger.js';
import { postWebhook, WEBHOOK_REQUEST_TIMEOUT_MS } from './client.js';

export interface WebhookDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  /** Where `env:` references are read; the process environment when absent. */
  webhookEnv?: Record<string, string | undefined>;
}

// A try holds its row this long: the request's own timeout and a margin.
const LEASE_SECONDS = WEBHOOK_REQUEST_TIMEOUT_MS / 1000 + 20;
/** A replay sends at most this many events; run it again for more. */
export const REPLAY_LIMIT = 1000;

type Sent = { subscriber: string; result: 'delivered' } | { subscriber: string; result: 'refused'; error: string } | { subscriber: string; result: 'retry'; error: string; waitMs?: number };

export function createWebhookActivities(deps: WebhookDeps) {
  const { db, logger } = deps;

  function target(name: string, subscriber: WebhookSubscriber): { url: string; secret: string } | { problem: string } {
    const env = deps.webhookEnv ?? process.env;
    const url = subscriber.url ?? (subscriber.urlEnv ? env[subscriber.urlEnv]?.trim() : undefined);
    const secret = env[subscriber.secretEnv]?.trim();
    if (!url) return { problem: `${subscriber.urlEnv} (the URL of webhook subscriber ${name}) is not set` };
    if (!/^https?:\/\//i.test(url)) return { problem: `${subscriber.urlEnv} (the URL of webhook subscriber ${name}) is not an http(s) URL` };
    if (!secret) return { problem: `${subscriber.secretEnv} (the signing secret of webhook subscriber ${name}) is not set` };
    return { url, secret };
  }

  async function sendOne(eventId: string, name: string): Promise<Sent> {
    const claim = await claimWebhookDelivery(db, eventId, name, LEASE_SECONDS);
    if (claim.state !== 'claimed') {
      if (claim.state === 'delivered') return { subscriber: name, result: 'delivered' };
      if (claim.state === 'failed') return { subscriber: name, result: 'refused', error: 'recorded failed earlier; replay it with `firebreak webhooks replay`' };
      if (claim.state === 'busy') return { subscriber: name, result: 'retry', error: 'another try is sending it right now', waitMs: LEASE_SECONDS * 1000 };
      return { subscriber: name, result: 'refused', error: `no event ${eventId} was recorded for ${name}` };
    }
    const { row } = claim;
    const subscriber = deps.policy().webhooks?.subscribers[name];
    // An incident made private after its event was recorded (a retry, a replay) goes no further to this subscriber.
    if (subscriber && !subscriber.private && row.incidentKey !== null && (await incidentIsPrivate(db, row.incidentKey))) {
      const error = `${row.incidentKey} is private now and ${name} is not marked private`;
      await finishWebhookDelivery(db, row.id, { status: 'failed', error });
      return { subscriber: name, result: 'refused', error };
    }
    const to = subscriber ? target(name, subscriber) : { problem: `${name} is no longer a webhook subscriber in the policy` };
    if ('problem' in to) {
      await finishWebhookDelivery(db, row.id, { status: subscriber ? 'pending' : 'failed', error: to.problem });
      logger.warn({ subscriber: name, eventId }, to.problem);
      return subscriber ? { subscriber: name, result: 'retry', error: to.problem } : { subscriber: name, result: 'refused', error: to.problem };
    }
    const answer = await postWebhook({ url: to.url, secret: to.secret, eventId, body: row.body });
    if (answer.outcome === 'delivered') {
      await finishWebhookDelivery(db, row.id, { status: 'delivered' });
      logger.info({ subscriber: name, eventId, type: row.type, status: answer.status, attempt: row.attempts }, 'webhook delivered');
      return { subscriber: name, result: 'delivered' };
    }
    await finishWebhookDelivery(db, row.id, { status: answer.outcome === 'refused' ? 'failed' : 'pending', error: answer.error });
    logger.warn({ subscriber: name, eventId, type: row.type, attempt: row.attempts }, `webhook ${answer.outcome === 'refused' ? 'refused' : 'not delivered yet'}: ${answer.error}`);
    if (answer.outcome === 'refused') return { subscriber: name, result: 'refused', error: answer.error };
    return { subscriber: name, result: 'retry', error: answer.error, ...(answer.waitMs !== undefined ? { waitMs: answer.waitMs } : {}) };
  }

  /** Posts the event to each subscriber, then fails the activity as the worst answer says. */
  async function sendAll(eventId: string, subscribers: string[]): Promise<void> {
    const sent: Sent[] = [];
    for (const name of subscribers) sent.push(await sendOne(eventId, name));
    const retry = sent.filter((s): s is Extract<Sent, { result: 'retry' }> => s.result === 'retry');
    const refused = sent.filter((s): s is Extract<Sent, { result: 'refused' }> => s.result === 'refused');
    if (retry.length > 0) {
      const attempt = currentAttempt();
      const { retry: policy } = deps.policy().webhooks ?? { retry: { attempts: 1, firstWaitSeconds: 1, maxWaitSeconds: 1 } };
      if (attempt >= policy.attempts) {
        for (const s of retry) await failWebhookDelivery(db, eventId, s.subscriber, s.error);
        throw ApplicationFailure.create({ type: 'WebhookDeliveryGaveUp', message: `Gave up on webhook event ${eventId} after ${attempt} tries: ${describe(retry)}`, nonRetryable: true });
      }
      const waitMs = Math.max(webhookRetryWaitSeconds(policy, attempt) * 1000, ...retry.map((s) => s.waitMs ?? 0));
      throw ApplicationFailure.create({ type: 'WebhookNotDelivered', message: `Webhook event ${eventId} not delivered yet: ${describe(retry)}`, nextRetryDelay: waitMs });
    }
    if (refused.length > 0) throw ApplicationFailure.create({ type: 'WebhookRefused', message: `Webhook event ${eventId} refused: ${describe(refused)}`, nonRetryable: true });
  }

  return {
    /** Records the event for every subscriber it goes to (once) and posts it to those not delivered yet. */
    async deliverWebhookEvent(input: WebhookEventInput): Promise<void> {
      // A caller that does not say (an automation rule) still never sends a private incident's event
      // to a subscriber not marked private: the incident's row says whether it is private now.
      const isPrivate = input.private === true || (input.incident !== undefined && (await incidentIsPrivate(db, input.incident)));
      const recipients = webhookRecipients(deps.policy().webhooks, { ...input, private: isPrivate });
      if (recipients.length === 0) return;
      const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
      // Payloads are redacted like everything else that leaves Firebreak, with the incident's tokens.
      const redactor = input.incident ? deps.redactor.forIncident(input.incident) : deps.redactor;
      const body: WebhookBody = { id: input.eventId, type: input.type, occurredAt: occurredAt.toISOString(), incident: input.incident ?? null, data: redactor.redactDeep(input.data) };
      const text = JSON.stringify(body);
      await recordWebhookDeliveries(
        db,
        recipients.map((subscriber) => ({ eventId: input.eventId, subscriber, type: input.type, incidentKey: input.incident ?? null, body: text, occurredAt })),
      );
      await sendAll(input.eventId, recipients);
    },

    /** The events `firebreak webhooks replay` sends, oldest first (at most REPLAY_LIMIT). */
    async selectWebhookReplay(input: { subscriber: string; since?: string; actor: Actor }): Promise<{ eventIds: string[] }> {
      // Replaying sends incident data out again: the decision point decides (guests may not).
      const verdict = decide(deps.policy(), 'replayWebhooks', resolveActor(deps.policy(), input.actor), { subject: `webhook subscriber ${input.subscriber}` });
      if (!verdict.allowed) throw ApplicationFailure.create({ type: 'WebhookReplayRefused', message: verdict.reason, nonRetryable: true });
      if (!deps.policy().webhooks?.subscribers[input.subscriber]) {
        const known = Object.keys(deps.policy().webhooks?.subscribers ?? {});
        throw ApplicationFailure.create({ type: 'UnknownWebhookSubscriber', message: `There is no webhook subscriber "${input.subscriber}" (subscribers: ${known.join(', ') || 'none'}).`, nonRetryable: true });
      }
      return { eventIds: await webhookEventsToReplay(db, input.subscriber, input.since ? new Date(input.since) : undefined, REPLAY_LIMIT) };
    },

    /** Sends one recorded event again, with its original ID and body; `again` re-sends a delivered one. */
    async redeliverWebhookEvent(input: { eventId: string; subscriber: string; again: boolean }): Promise<void> {
      // Only the first try reopens: a later one must not re-send what the first delivered.
      if (currentAttempt() === 1) await reopenWebhookDeliveries(db, input.subscriber, [input.eventId], input.again);
      await sendAll(input.eventId, [input.subscriber]);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;

function describe(sent: { subscriber: string; error: string }[]): string {
  return sent.map((s) => `${s.subscriber} ${s.error}`).join('; ');
}

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
