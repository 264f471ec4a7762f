import type { GitHubApi } from '../../activities/github/client.js';
import type { Database } from '../../db/client.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Logger } from '../../platform/logger.js';
import type { TemporalContext } from '../workflow-client.js';

/** What the GitHub front-end needs to turn a webhook into a workflow start or update. */
export interface GitHubFrontEnd extends TemporalContext {
  db: Database;
  policy: Policy;
  api: GitHubApi;
  logger: Logger;
}

/** A comment to post once the webhook has been answered. */
export interface Reply {
  repo: string;
  number: number;
  body: string;
}

export interface Outcome {
  /** What the delivery did, for the response body and the log: `declared INC-4`, `ignored: …`. */
  result: string;
  reply?: Reply;
}

export const ignored = (why: string): Outcome => ({ result: `ignored: ${why}` });

/** The policy services whose repository this is; none means the repository is not Firebreak's. */
export function servicesOfRepo(policy: Policy, repo: string): string[] {
  return Object.entries(policy.services)
    .filter(([, s]) => s.repo.toLowerCase() === repo.toLowerCase())
    .map(([name]) => name);
}
