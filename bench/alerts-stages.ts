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

export interface WorkOfType {
  runs: number;
  workflowTasks: number;
  activities: number;
  activityTypes: Record<string, number>;
}

/**
 * The work the run caused, read back from Temporal: per workflow type, how many runs, workflow
 * tasks and activities (by activity type). On a fresh dev server every execution is this run's.
 */
export async function workDone(client: Client): Promise<Record<string, WorkOfType>> {
  const byType: Record<string, WorkOfType> = {};
  const fetches: Promise<void>[] = [];
  for await (const execution of client.workflow.list()) {
    const entry = (byType[execution.type] ??= { runs: 0, workflowTasks: 0, activities: 0, activityTypes: {} });
    entry.runs++;
    fetches.push(
      client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .fetchHistory()
        .then((history) => {
          for (const event of history.events ?? []) {
            if (event.workflowTaskCompletedEventAttributes) entry.workflowTasks++;
            const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
            if (!activity) continue;
            entry.activities++;
            entry.activityTypes[activity] = (entry.activityTypes[activity] ?? 0) + 1;
          }
        }),
    );
  }
  await Promise.all(fetches);
  return byType;
}
