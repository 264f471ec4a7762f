import { sleep } from '@temporalio/workflow';
import { holds } from '../../domain/automation/conditions.js';
import { describeStep } from '../../domain/automation/describe.js';
import { factsOf } from '../../domain/automation/triggers.js';
import type { RuleStep } from '../../domain/automation/types.js';
import { formatDuration } from '../../domain/duration.js';
import { incident, steps, webhooks } from './activities.js';
import type { RuleRunInput, RuleRunResult } from './messages.js';

/** Why a step failed, without the stack: an activity failure wraps the activity's own error. */
function failureText(err: unknown): string {
  let e = err as { cause?: unknown; message?: string } | undefined;
  while (e?.cause) e = e.cause as { cause?: unknown; message?: string };
  return e?.message ?? String(err);
}

/**
 * One run of one automation rule for one incident (`rule:INC-N:RULE:SCOPE`): its steps in order,
 * each an idempotent activity keyed by the run and the step's index, so a worker killed between
 * steps resumes at the step it was on and repeats none. A `wait` (or a `{ after: … }` trigger) is a
 * durable timer after which the rule's conditions must still hold, else the run stops. A step that
 * still fails after its retries ends the run as failed; the incident goes on either way and its
 * timeline says how the run ended.
 */
export async function ruleWorkflow(input: RuleRunInput): Promise<RuleRunResult> {
  const { spec } = input;
  if (spec.when.afterSeconds !== undefined) {
    await sleep(spec.when.afterSeconds * 1000);
    if (!(await stillHolds(input))) return end(input, { outcome: 'stopped', done: 0, text: `its conditions no longer held ${formatDuration(spec.when.afterSeconds)} after the event` });
  }
  let done = 0;
  for (const [i, step] of spec.then.entries()) {
    if (step.kind === 'wait') {
      await sleep(step.delaySeconds * 1000);
      if (!(await stillHolds(input))) return end(input, { outcome: 'stopped', done, text: `its conditions no longer held after step ${i + 1} (wait ${formatDuration(step.delaySeconds)})` }, i + 1);
    } else {
      try {
        await runStep(input, step, i);
      } catch (err) {
        return end(input, { outcome: 'failed', done, text: `step ${i + 1} (${describeStep(step)}) failed: ${failureText(err)}` }, i + 1);
      }
    }
    done++;
  }
  return end(input, { outcome: 'finished', done, text: `${done} step${done === 1 ? '' : 's'} done` });
}

async function stillHolds(input: RuleRunInput): Promise<boolean> {
  if (input.spec.if === undefined) return true;
  const now = await incident.ruleIncidentFacts({ incident: input.incident });
  return holds(input.spec.if, factsOf(now, input.labels, new Date().toISOString()));
}

function runStep(input: RuleRunInput, step: RuleStep, index: number): Promise<unknown> {
  const key = `${input.run}:step:${index}`;
  switch (step.kind) {
    case 'post':
      return steps.postRuleMessage({ key, incident: input.incident, rule: input.rule, ...(step.channel !== undefined ? { channel: step.channel } : {}), ...(step.dm !== undefined ? { dm: step.dm } : {}), text: step.text });
    case 'invite':
      return steps.inviteRuleTeam({ key, incident: input.incident, team: step.team });
    case 'webhook':
      return webhooks.deliverWebhookEvent({ eventId: key, type: 'rule.webhook', incident: input.incident, subscriber: step.subscriber, data: { rule: input.rule, run: input.run, event: input.event } });
    case 'wait':
      return Promise.resolve();
    default:
      return steps.runRuleIncidentStep({ incident: input.incident, updateId: key, actor: input.actor, step });
  }
}

async function end(input: RuleRunInput, result: RuleRunResult, step?: number): Promise<RuleRunResult> {
  await incident.reportRuleRun({
    incident: input.incident,
    updateId: `${input.run}:report`,
    report: { actor: input.actor, rule: input.rule, run: input.run, outcome: result.outcome, text: result.text, ...(step !== undefined ? { step } : {}) },
  });
  return result;
}
