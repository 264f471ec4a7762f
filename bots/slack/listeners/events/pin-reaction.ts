// Shared by reaction_added and reaction_removed: only the policy's pin reaction on a message in an
// incident channel counts, and each Events API delivery (retries included) has one effect.

import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { processedRequests } from '../../../../db/schema/index.js';
import { incidentOfChannel, type SlackDeps } from '../deps.js';

export type ReactionArgs = SlackEventMiddlewareArgs<'reaction_added' | 'reaction_removed'> & AllMiddlewareArgs;

export interface PinTarget {
  incident: string;
  channel: string;
  ts: string;
  ref: string;
  /** The Events API delivery: its event_id, the same on Slack's retries and on a replay. */
  requestKey: string;
}

/** `reaction` is the pin reaction unless said otherwise (the task reaction shares the rest). */
export async function pinTarget(deps: SlackDeps, { event, body }: Pick<ReactionArgs, 'event' | 'body'>, reaction = deps.policy.incidents.pinReaction): Promise<PinTarget | undefined> {
  if (event.reaction !== reaction || event.item.type !== 'message') return undefined;
  const incident = await incidentOfChannel(deps, event.item.channel);
  if (!incident) return undefined;
  if (!(await firstDelivery(deps, body.event_id))) return undefined;
  return { incident, channel: event.item.channel, ts: event.item.ts, ref: `slack:${event.item.channel}/${event.item.ts}`, requestKey: `slack-event:${body.event_id}` };
}

/** Slack redelivers an event it thinks we missed (`X-Slack-Retry-Num`); the event ID stays the same. */
async function firstDelivery(deps: SlackDeps, eventId: string): Promise<boolean> {
  const inserted = await deps.db
    .insert(processedRequests)
    .values({ key: `slack-event:${eventId}`, kind: 'slack.event' })
    .onConflictDoNothing()
    .returning({ key: processedRequests.key });
  return inserted.length > 0;
}

/** Slack message timestamps are seconds since the epoch with a per-channel sequence after the dot. */
export function tsToIso(ts: string): string {
  return new Date(Math.floor(Number(ts) * 1000)).toISOString();
}
