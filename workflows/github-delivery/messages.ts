// The contract of one GitHub delivery's effects: the front-end decides what a delivery means
// (a workflow start or update) and hands the rest here, so the HTTP process never writes or sends.

/** A comment to post on an issue, already rendered (redacted and neutralised) for GitHub. */
export interface GitHubReply {
  repo: string;
  number: number;
  body: string;
}

/**
 * A command whose outcome is still to come when the webhook answers: an update the delivery's
 * workflow sends (`send`), one the webhook saw accepted, or a declaration's workflow started. The
 * delivery's workflow waits for it and says it in the reply, a refusal included.
 */
export interface AwaitedOutcome {
  /** The workflow the command runs in, and the run that accepted it. */
  workflowId: string;
  runId?: string;
  /** The accepted update; absent for a declaration, whose workflow's result is the outcome. */
  updateId?: string;
  /** The incident the reply is about: its redaction tokens apply to what is said. */
  incident?: string;
  repo: string;
  number: number;
  /** How the reply opens (marker line and the asker's mention), rendered by the front-end. */
  opening: string;
  /**
   * What a success says: the incident's severity and phase after the command (`incident`), that
   * and whether a public incident is still open (`resolved`), or nothing when the issue shows it.
   */
  onSuccess: 'incident' | 'resolved' | 'silent';
  /** Said after a refusal's own sentence: what stays as it was. */
  afterRefusal?: string;
  /**
   * The update still to send, by name, under `updateId` (a comment's command): the delivery's
   * workflow sends it, so the webhook answers once the delivery is recorded by Temporal and never
   * waits for the incident's own workflow task. Absent: the webhook sent it (or started the declaration).
   */
  send?: { update: string; input: unknown };
}

export interface GitHubDeliveryInput {
  /** `X-GitHub-Delivery`: the same for every attempt of one event. */
  deliveryId: string;
  event: string;
  /** What the delivery did, as the webhook answered it: `declared INC-4`, `ignored: …`. */
  result: string;
  reply?: GitHubReply;
  /** Instead of `reply`: the accepted command whose outcome the reply is rendered from. */
  awaiting?: AwaitedOutcome;
}

/** Patch of the delivery workflow: it waits for an accepted command's outcome before replying. */
export const AWAIT_OUTCOME_PATCH = 'github-delivery-awaits-outcome';

/**
 * One workflow per delivery: Temporal refuses a second start under this ID, which is how a
 * redelivered event is recognised and answered without running anything again.
 */
export function githubDeliveryWorkflowId(deliveryId: string): string {
  return `github-delivery:${deliveryId}`;
}

/** Patch of the delivery workflow: the record is a local activity (earlier histories scheduled it). */
export const RECORD_LOCALLY_PATCH = 'github-delivery-records-locally';
