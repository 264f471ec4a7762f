// The redactor a reply is rendered with: the policy's own patterns and the tokens of the incident
// the reply is about. Each destination (Slack reply, GitHub comment, CLI output, dashboard) redacts
// once, where it renders; nothing upstream (the command runner, the text renderers) redacts.

import type { Policy } from '../../domain/policy/index.js';
import { createRedactor, type Redactor } from '../../domain/redact.js';

const byPolicy = new WeakMap<Policy, Redactor>();
const withoutPolicy = createRedactor();

export function replyRedactor(policy: Policy | undefined, incident?: string): Redactor {
  let redactor = withoutPolicy;
  if (policy) {
    redactor = byPolicy.get(policy) ?? createRedactor({ extraPatterns: policy.redaction.patterns });
    byPolicy.set(policy, redactor);
  }
  return incident ? redactor.forIncident(incident) : redactor;
}

/** The incident a command's reply is about, for its redactor; a refusal is about the one asked of. */
export function replyIncident(reply: { ok: boolean; incident?: string; view?: { key: string } }): string | undefined {
  return reply.ok ? (reply.incident ?? reply.view?.key) : undefined;
}
