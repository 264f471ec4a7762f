// The GitHub events Firebreak acts on, registered by name with @octokit/webhooks: the handler of
// `issues.closed` is found by searching for 'issues.closed'. Every handler translates its event
// into a workflow start or update and says what it did; what it did not handle is ignored.

import type { EmitterWebhookEvent, Webhooks } from '@octokit/webhooks';
import { onIssueComment } from './comments.js';
import { ignored, notOurs, type GitHubFrontEnd, type Outcome } from './context.js';
import { onIssueStateChange, onIssueTriggered } from './issues.js';

/** Runs the handler registered for one verified event and returns its outcome. */
export type EventTranslator = (event: EmitterWebhookEvent) => Promise<Outcome>;

export function registerEventHandlers(fe: GitHubFrontEnd, webhooks: Webhooks): EventTranslator {
  // @octokit/webhooks hands each handler the event object given to receive(), so the outcome is
  // kept beside that object rather than returned (handlers return nothing to receive()).
  const outcomes = new WeakMap<EmitterWebhookEvent, Outcome>();
  const settle = (event: EmitterWebhookEvent, outcome: Outcome): void => void outcomes.set(event, outcome);

  webhooks.on('ping', (event) => settle(event, { result: 'pong' }));
  webhooks.on(['issues.opened', 'issues.labeled'], async (event) => settle(event, await onIssueTriggered(fe, event.payload)));
  webhooks.on(['issues.closed', 'issues.reopened'], async (event) => settle(event, await onIssueStateChange(fe, event.payload)));
  webhooks.on('issue_comment.created', async (event) => settle(event, await onIssueComment(fe, event.payload)));

  return async (event) => {
    try {
      await webhooks.receive(event);
    } catch (err) {
      // receive() wraps a handler's failure; the handler's own error is the one worth logging.
      throw err instanceof AggregateError && err.errors.length === 1 ? err.errors[0] : err;
    }
    return outcomes.get(event) ?? unhandled(fe, event);
  };
}

function unhandled(fe: GitHubFrontEnd, event: EmitterWebhookEvent): Outcome {
  const payload = event.payload as { action?: string; repository?: { full_name: string } };
  if (event.name === 'issues' && payload.repository) return notOurs(fe.policy, payload.repository.full_name) ?? ignored(`issues.${payload.action}`);
  if (event.name === 'issue_comment') return ignored(`issue_comment.${payload.action}`);
  return ignored(`${event.name} events`);
}
