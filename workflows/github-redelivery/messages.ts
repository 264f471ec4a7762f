// The redelivery workflow's contract, shared by the schedule that starts it and its activities.

export type HookTarget = { kind: 'app' } | { kind: 'repo'; repo: string; hookId: number };

export interface FailedDelivery {
  hook: HookTarget;
  /** The latest failed attempt, the one GitHub is asked to send again. */
  deliveryId: number;
  /** `X-GitHub-Delivery`: the same for every attempt of one event. */
  guid: string;
  event: string;
  deliveredAt: string;
}

export interface GitHubRedeliveryInput {
  /** How far back to look for failed deliveries. */
  lookbackSeconds: number;
}

export interface GitHubRedeliveryResult {
  found: number;
  redelivered: string[];
  /** GUIDs GitHub refused to redeliver (e.g. 422 for a delivery too old). */
  refused: string[];
}

export const GITHUB_REDELIVERY_SCHEDULE_ID = 'github-redelivery';
export const GITHUB_REDELIVERY_WORKFLOW_ID = 'github-redelivery';
