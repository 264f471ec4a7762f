// The contract of one GitHub delivery's effects: the front-end decides what a delivery means
// (a workflow start or update) and hands the rest here, so the HTTP process never writes or sends.

/** A comment to post on an issue, already rendered (redacted and neutralised) for GitHub. */
export interface GitHubReply {
  repo: string;
  number: number;
  body: string;
}

export interface GitHubDeliveryInput {
  /** `X-GitHub-Delivery`: the same for every attempt of one event. */
  deliveryId: string;
  event: string;
  /** What the delivery did, as the webhook answered it: `declared INC-4`, `ignored: …`. */
  result: string;
  reply?: GitHubReply;
}

/**
 * One workflow per delivery: Temporal refuses a second start under this ID, which is how a
 * redelivered event is recognised and answered without running anything again.
 */
export function githubDeliveryWorkflowId(deliveryId: string): string {
  return `github-delivery:${deliveryId}`;
}
