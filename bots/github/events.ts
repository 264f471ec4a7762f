// The GitHub events Firebreak acts on, registered by name with @octokit/webhooks: the handler of
// `issues.closed` is found by searching for 'issues.closed'. Every handler translates its event
// into a workflow start or update and says what it did; what it did not handle is ignored.

import type { EmitterWebhookEvent, Webhooks } from '@octokit/webhooks';
import type { Policy } from '../../domain/policy/index.js';
import { commandLine, onIssueComment } from './comments.js';
import { ignored, notOurs, type GitHubFrontEnd, type Outcome } from './context.js';
import { onIssueStateChange, onIssueTriggered, triggersIncident } from './issues.js';

/** Runs the handler registered for one verified event and returns its outcome. */
export type EventTranslator = (event: EmitterWebhookEvent) => Promise<Outcome>;

export function registerEventHandlers(fe: GitHubFrontEnd, webhooks: Webhooks): EventTranslator {
  // @octokit/webhooks hands each handler the event object given to receive(), so the outcome is
  // kept beside that object rather than returned (handlers return nothing to receive()).
  const outcomes = new WeakMap<EmitterWebhookEvent, Outcome>();
  const settle = (event: EmitterWebhookEvent, outcome: Outcome): void => void outcomes.set(event, outcome);

  webhooks.on(['issues.opened', 'issues.labeled'], async (event) => settle(event, await onIssueTriggered(fe, event.payload)));
  webhooks.on(['issues.closed', 'issues.reopened'], async (event) => settle(event, await onIssueStateChange(fe, event.payload)));
  webhooks.on('issue_comment.created', async (event) => settle(event, await onIssueComment(fe, event.payload)));

  return async (event) => {
    const settled = answeredAtTheDoor(fe.policy, event);
    if (settled) return settled;
    try {
      await webhooks.receive(event);
    } catch (err) {
      // receive() wraps a handler's failure; the handler's own error is the one worth logging.
      throw err instanceof AggregateError && err.errors.length === 1 ? err.errors[0] : err;
    }
    return outcomes.get(event) ?? unhandledOutcome(fe.policy, event);
  };
}

function unhandledOutcome(policy: Policy, event: EmitterWebhookEvent): Outcome {
  const payload = event.payload as { action?: string; repository?: { full_name: string } };
  if (event.name === 'issues' && payload.repository) return notOurs(policy, payload.repository.full_name) ?? ignored(`issues.${payload.action}`);
  if (event.name === 'issue_comment') return ignored(`issue_comment.${payload.action}`);
  return ignored(`${event.name} events`);
}

/** The `name.action` pairs a handler is registered for; every other event is ignored. */
const HANDLED = new Set(['issues.opened', 'issues.labeled', 'issues.closed', 'issues.reopened', 'issue_comment.created']);

/**
 * The outcome of a delivery that can do nothing, decided from the verified payload alone: another
 * repository, a comment that is no command, an issue without the incident label, a bot, a ping.
 * Most of a repository's deliveries are these; the webhook answers them without Temporal or the
 * database and records nothing, because a second copy of one would be ignored just the same.
 */
export function answeredAtTheDoor(policy: Policy, event: EmitterWebhookEvent): Outcome | undefined {
  if (event.name === 'ping') return { result: 'pong' };
  const payload = event.payload as { action?: string; repository?: { full_name: string }; sender?: { type?: string } };
  if (!HANDLED.has(`${event.name}.${payload.action}`) || !payload.repository) return unhandledOutcome(policy, event);
  if (payload.sender?.type === 'Bot') return ignored('sent by a bot');
  // An action item's issue may close in any repository (action-issues.ts): that one is asked of the database.
  if (payload.action === 'closed' || payload.action === 'reopened') return undefined;
  const elsewhere = notOurs(policy, payload.repository.full_name);
  if (elsewhere) return elsewhere;
  if (event.name === 'issue_comment') {
    const body = (event.payload as EmitterWebhookEvent<'issue_comment.created'>['payload']).comment.body ?? '';
    return commandLine(body) === undefined ? ignored('not a command') : undefined;
  }
  const trigger = event.payload as EmitterWebhookEvent<'issues.opened' | 'issues.labeled'>['payload'];
  return triggersIncident(policy, trigger) ? undefined : ignored(`no ${policy.incidents.label} label`);
}
