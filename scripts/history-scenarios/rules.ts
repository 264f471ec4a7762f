// The runs behind 'rule-run' and 'incident-rules' (issue 17 §4): a SEV3 declared under a rule that
// makes bob scribe, waits a second (its condition still holds) and posts in Slack, which this
// worker does not have, so the last step fails and the run reports it; the incident records the
// run's start and end, then resolves and closes.

import { incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import { ruleRunWorkflowId } from '../../domain/automation/triggers.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, until, type Save, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

export function rulesPolicy(policy: Policy): Policy {
  return {
    ...policy,
    incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 },
    rules: {
      'sev3-scribe': {
        when: { event: 'declared' },
        if: { severityIn: ['SEV3'] },
        then: [
          { kind: 'assign_role', role: 'scribe', person: 'bob' },
          { kind: 'wait', delaySeconds: 1 },
          { kind: 'post', channel: '#ops', text: 'bob is scribe' },
        ],
        once: 'incident',
      },
    },
  };
}

export async function ruleRun(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Refunds stuck', 'SEV3');
  const run = ruleRunWorkflowId(key, 'sev3-scribe', 'incident');
  await until('the rule run to end', async () => (await ctx.client.workflow.getHandle(run).describe()).status.name === 'COMPLETED');
  await save('rule-run', run);
  await until('the run\'s report', async () => (await incidentHandle(ctx, key).query(msg.stateQuery)).timeline.some((e) => e.text.startsWith('Rule sev3-scribe failed')));
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: alice });
  await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: alice, text: 'refunds flowing' });
  await incidentHandle(ctx, key).result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-rules', `incident:${key}`);
}
