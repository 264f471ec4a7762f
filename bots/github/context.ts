import type { Database } from '../../db/client.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Logger } from '../../platform/logger.js';
import type { AwaitedOutcome, GitHubReply } from '../../workflows/github-delivery/messages.js';
import type { TemporalContext } from '../workflow-client.js';

/**
 * What the GitHub front-end needs to turn a webhook into a workflow start or update. The database
 * is read (which incident an issue belongs to), never written: writes and replies are activities.
 */
export interface GitHubFrontEnd extends TemporalContext {
  db: Database;
  policy: Policy;
  /** Only the bot's login is asked of GitHub's client here, and it is learnt once at start. */
  api: { botLogin(): Promise<string | undefined> };
  logger: Logger;
}

export interface Outcome {
  /** What the delivery did, for the response body and the log: `declared INC-4`, `ignored: …`. */
  result: string;
  /** A comment the delivery's workflow posts once the webhook has been answered. */
  reply?: GitHubReply;
  /** Or an accepted command whose outcome the delivery's workflow waits for and replies with. */
  awaiting?: AwaitedOutcome;
}

export const ignored = (why: string): Outcome => ({ result: `ignored: ${why}` });

/** The policy services whose repository this is; none means the repository is not Firebreak's. */
export function servicesOfRepo(policy: Policy, repo: string): string[] {
  return Object.entries(policy.services)
    .filter(([, s]) => s.repo.toLowerCase() === repo.toLowerCase())
    .map(([name]) => name);
}

/** The refusal for a repository the policy does not list, or undefined for one of Firebreak's. */
export function notOurs(policy: Policy, repo: string): Outcome | undefined {
  return servicesOfRepo(policy, repo).length === 0 ? ignored(`${repo} is not a repository of the policy`) : undefined;
}
