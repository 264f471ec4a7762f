// `rules test RULE INC-N`: reads the rule from the policy, the incident's state by query and the
// rule run's workflow (whether it already ran for this scope), and shows what the rule would do.
// It starts, updates and writes nothing.

import { WorkflowNotFoundError } from '@temporalio/client';
import { dryRunText } from '../../domain/automation/dry-run.js';
import { eventLabels, factsOf, onceScopeKey, ruleRunWorkflowId } from '../../domain/automation/triggers.js';
import type { Command } from '../../domain/commands/types.js';
import type { Actor } from '../../domain/incident.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import { CommandRefused, getIncidentView } from '../workflow-client.js';
import type { CommandContext, Reply } from '../commands/context.js';

/** The view with part A's privacy fields (optional on IncidentState). */
type Viewed = IncidentView & { private?: boolean; members?: Actor[] };

/** People a private incident names: its reporter, role holders and members. */
function named(view: Viewed, ctx: CommandContext): boolean {
  const people = [view.reporter, ...Object.values(view.roles), ...(view.members ?? [])];
  return people.some((p) => p !== undefined && p.source === ctx.actor.source && p.id === ctx.actor.id);
}

export async function runRulesCommand(ctx: CommandContext, command: Extract<Command, { kind: 'rules-test' }>): Promise<Reply> {
  // The CLI reads the policy file only when it finds one; without it there is nothing to test.
  if (!ctx.policy) throw new CommandRefused('`rules test` reads the policy file: set FIREBREAK_CONFIG to its path.');
  const rules = ctx.policy.rules ?? {};
  const spec = rules[command.rule];
  if (!spec) {
    const known = Object.keys(rules);
    throw new CommandRefused(`There is no rule ${command.rule} in the policy${known.length ? `; rules: ${known.join(', ')}` : ''}.`);
  }
  if (!ctx.incident) throw new CommandRefused(`Which incident? Name it, e.g. \`rules test ${command.rule} INC-12\`, or run the command in its channel or issue.`);
  const view: Viewed = await getIncidentView(ctx, ctx.incident);
  if (view.private === true && !named(view, ctx)) throw new CommandRefused(`${view.key} is private; ask its commander to add you with \`invite @you\`.`);
  const id = ruleRunWorkflowId(view.key, command.rule, onceScopeKey(spec.once, view.severity, ctx.actor));
  let status: string | undefined;
  try {
    status = (await ctx.client.workflow.getHandle(id).describe()).status.name;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const facts = factsOf(view, eventLabels({ kind: 'note' }), new Date().toISOString());
  return { ok: true, text: dryRunText({ incident: view.key, rule: command.rule, spec, facts, run: { id, ...(status ? { status } : {}) } }), incident: view.key };
}
