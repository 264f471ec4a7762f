// Postmortems and their action items: states, who may move them on, and the timing rules the
// postmortem workflow's reminders follow. Pure: the workflow, the bots and the dashboard share it.

export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published', 'closed'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export const ACTION_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];

export const ACTION_ITEM_STATUSES = ['open', 'done'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** Durations in seconds from declaration (or detection) to each milestone; absent when never reached. */
export interface PostmortemMetrics {
  timeToDetectSeconds?: number;
  timeToAcknowledgeSeconds?: number;
  timeToMitigateSeconds?: number;
  timeToResolveSeconds?: number;
}

export const actionItemKey = (n: number): string => `ACT-${n}`;
export const ACTION_ITEM_KEY = /^ACT-([1-9][0-9]{0,8})$/;
