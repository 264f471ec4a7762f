// Where the time from an alert group's first delivery to its incident's pinned summary goes, per
// incident: the group's workflow starting, the incident's row being declared, its Slack channel
// being created and the summary pinned. Every moment is an epoch-ms clock reading on this machine
// (the client, Temporal's start time, Postgres's declared_at, the Slack stand-in's call log).

import type { Client } from '@temporalio/client';
import type { SlackStandIn } from '../test/standins/slack-api.js';
import { percentile } from './stack.js';

export interface IncidentMoments {
  firstSentAt: number;
  workflowStartedAt?: number;
  declaredAt: number;
  channelCreatedAt?: number;
  pinnedAt?: number;
}

/** Epoch ms of the channel's creation and of the summary pin for incident `key`, once the stand-in saw them. */
export function channelMoments(slack: SlackStandIn, key: string): { channelCreatedAt?: number; pinnedAt?: number } {
  const prefix = `inc-${key.replace(/^INC-/, '')}-`;
  const named = (id: unknown) => slack.state.channels.get(String(id))?.name.startsWith(prefix) === true;
  const created = slack.callsTo('conversations.create').find((c) => named((c.response.channel as { id?: string } | undefined)?.id));
  const pinned = slack.callsTo('pins.add').find((c) => named(c.args.channel));
  return { ...(created ? { channelCreatedAt: created.at } : {}), ...(pinned ? { pinnedAt: pinned.at } : {}) };
}

/** When Temporal started the group's workflow (the first signal-with-start that reached it). */
export async function workflowStartedAt(client: Client, workflowId: string): Promise<number | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).startTime.getTime();
  } catch {
    return undefined;
  }
}

const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: percentile(sorted, 100) };
};

/** p50/p95/max of each stage, over the incidents that reached both of its ends. */
export function stageSpreads(all: IncidentMoments[]) {
  const between = (from: (m: IncidentMoments) => number | undefined, to: (m: IncidentMoments) => number | undefined) =>
    spread(all.flatMap((m) => (from(m) !== undefined && to(m) !== undefined ? [to(m)! - from(m)!] : [])));
  return {
    firstSentToWorkflowStarted: between((m) => m.firstSentAt, (m) => m.workflowStartedAt),
    workflowStartedToDeclared: between((m) => m.workflowStartedAt, (m) => m.declaredAt),
    declaredToChannelCreated: between((m) => m.declaredAt, (m) => m.channelCreatedAt),
    channelCreatedToPinned: between((m) => m.channelCreatedAt, (m) => m.pinnedAt),
  };
}
