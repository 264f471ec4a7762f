// The runs behind 'webhook-delivery' and 'webhook-replay' (issue 17 §5): an event whose subscriber
// answers 500 once before it takes it, and a replay of two events a subscriber missed while it was
// down. The subscriber is the test receiver (test/standins/webhook-receiver.ts), which checks each
// signature; the delivery activities are built as the worker builds them, reading its URL and secret
// from the variables the policy names.

import { randomUUID } from 'node:crypto';
import { createWebhookActivities } from '../../activities/webhooks/index.js';
import type { Database } from '../../db/client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { WEBHOOK_DELIVERY_WORKFLOW, WEBHOOK_REPLAY_WORKFLOW, webhookDeliveryWorkflowId, webhookReplayWorkflowId, type WebhookEventInput, type WebhookReplayResult } from '../../domain/webhooks.js';
import { createLogger } from '../../platform/logger.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/standins/webhook-receiver.js';
import type { WebhookDeliveryResult } from '../../workflows/webhooks/messages.js';
import type { Save, ScenarioContext, StandIn } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const SUBSCRIBER = 'recorder';

/** One subscriber taking everything; two tries a second apart. */
export function webhooksPolicy(policy: Policy): Policy {
  return {
    ...policy,
    webhooks: {
      subscribers: { [SUBSCRIBER]: { urlEnv: 'RECORD_WEBHOOK_URL', secretEnv: 'RECORD_WEBHOOK_SECRET', events: ['*'], private: false } },
      retry: { attempts: 2, firstWaitSeconds: 1, maxWaitSeconds: 1 },
    },
  };
}

/** The receiver and the delivery activities over it; the scenarios script the receiver's answers. */
export function webhookRecording(db: Database, policy: Policy) {
  let receiver: WebhookReceiver | undefined;
  const event = (n: number): WebhookEventInput => ({ eventId: `record-${randomUUID()}:${n}`, type: 'incident.note', data: { text: `recorded event ${n}` } });
  const deliver = (ctx: ScenarioContext, input: WebhookEventInput) =>
    ctx.client.workflow.execute(WEBHOOK_DELIVERY_WORKFLOW, { taskQueue: ctx.taskQueue, workflowId: webhookDeliveryWorkflowId(input.eventId), args: [input] }) as Promise<WebhookDeliveryResult>;
  return {
    async standIn(): Promise<StandIn> {
      receiver = await startWebhookReceiver();
      const env = { RECORD_WEBHOOK_URL: receiver.url(SUBSCRIBER), RECORD_WEBHOOK_SECRET: receiver.secret(SUBSCRIBER) };
      const running = receiver;
      return {
        activities: createWebhookActivities({ db, policy: () => policy, redactor: createRedactor(), logger: createLogger({ level: 'warn' }), webhookEnv: env }),
        verify() {
          if (running.calls.some((c) => c.status === 401)) throw new Error('the receiver refused a signature');
        },
        stop: () => running.stop(),
      };
    },

    /** 500, then delivered on the second try. */
    async delivery(ctx: ScenarioContext, save: Save): Promise<void> {
      receiver!.answerNext(SUBSCRIBER, [500]);
      const input = event(1);
      const result = await deliver(ctx, input);
      if (!result.delivered) throw new Error(`the recorded delivery failed: ${result.error}`);
      await save('webhook-delivery', webhookDeliveryWorkflowId(input.eventId));
    },

    /** Two events missed while the subscriber was down, replayed once it is up. */
    async replay(ctx: ScenarioContext, save: Save): Promise<void> {
      receiver!.down(SUBSCRIBER);
      for (const input of [event(1), event(2)]) if ((await deliver(ctx, input)).delivered) throw new Error('delivered to a subscriber that is down');
      receiver!.up(SUBSCRIBER);
      const workflowId = webhookReplayWorkflowId(SUBSCRIBER, `record:${randomUUID()}`);
      const result = (await ctx.client.workflow.execute(WEBHOOK_REPLAY_WORKFLOW, { taskQueue: ctx.taskQueue, workflowId, args: [{ subscriber: SUBSCRIBER, actor: alice }] })) as WebhookReplayResult;
      if (result.delivered < 2 || result.failed.length) throw new Error(`the recorded replay did not deliver both events: ${JSON.stringify(result)}`);
      await save('webhook-replay', workflowId);
    },
  };
}

type Scenario = (ctx: ScenarioContext, save: Save) => Promise<void>;
type WithStandIn<S> = (stack: S, policy: Policy, scenario: Scenario, standIn: Promise<StandIn>) => Promise<void>;

/** Both recordings, each with a receiver of its own. */
export async function recordWebhooks<S extends { database: { db: Database }; policy: Policy }>(stack: S, withStandIn: WithStandIn<S>): Promise<void> {
  const policy = webhooksPolicy(stack.policy);
  const delivery = webhookRecording(stack.database.db, policy);
  await withStandIn(stack, policy, delivery.delivery, delivery.standIn());
  const replay = webhookRecording(stack.database.db, policy);
  await withStandIn(stack, policy, replay.replay, replay.standIn());
}
