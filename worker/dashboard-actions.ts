// The dashboard's "new action item" form, run as the signed-in person through the same command
// path as Slack and GitHub: the postmortem workflow validates and records it.

import { randomUUID } from 'node:crypto';
import { findPersonByHandle, type Policy } from '../domain/policy/index.js';
import { runCommand } from '../bots/commands/dispatch.js';
import { replyRedactor } from '../bots/render/redaction.js';
import type { TemporalContext } from '../bots/workflow-client.js';
import type { NewActionItemInput } from '../web/deps.js';

export function dashboardActionAdder(ctx: TemporalContext, policy: () => Policy) {
  return async (input: NewActionItemInput): Promise<{ key: string } | { error: string }> => {
    const person = findPersonByHandle(policy(), input.requestedBy);
    // The shared token says nothing about who is asking; an action item needs an accountable author.
    if (!person) return { error: 'Sign in with Slack to add action items: the shared dashboard token does not say who you are.' };
    const reply = await runCommand(
      {
        ...ctx,
        actor: { source: 'slack', id: person.slack, name: person.name },
        source: 'slack',
        incident: input.incidentKey,
        idempotencyKey: `dashboard:${randomUUID()}`,
      },
      { kind: 'action-add', text: input.text, owner: { kind: 'handle', handle: input.owner }, due: input.dueDate, priority: input.priority },
    );
    const key = reply.ok ? /^ACT-\d+/.exec(reply.text)?.[0] : undefined;
    // The dashboard is this reply's destination, so it is redacted here, once.
    return key ? { key } : { error: replyRedactor(policy(), input.incidentKey).redact(reply.text) };
  };
}
