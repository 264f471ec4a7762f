// What an automation rule run (workflows/rule/) needs outside itself: the incident's facts for its
// conditions after a wait, the steps that change the incident (assign a role, add a checklist,
// page, request a sandbox or a flag rollback), each sent as the incident's own update under the
// step's update ID so the incident decides, records and audits it as for anyone, and the report of
// how the run ended. Slack's steps (post, invite) are in activities/slack/rule-steps.ts.

import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { IncidentFacts } from '../../domain/automation/triggers.js';
import type { RuleStep } from '../../domain/automation/types.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByHandle, type Policy } from '../../domain/policy/index.js';
import type { Database } from '../../db/client.js';
import { assignRoleUpdate, pageUpdate, ruleReportUpdate, stateQuery, type IncidentView, type RuleReportInput } from '../../workflows/incident/messages.js';
import { once } from '../shared/once.js';

export interface RuleIncidentStepInput {
  incident: string;
  /** `<run>:step:<index>`: the incident's update ID and the once-key of the step. */
  updateId: string;
  actor: Actor;
  step: RuleStep;
}

/** A step no retry will fix: the incident refused it, or it names something that is not there. */
export function refusedStep(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'RuleStepRefused', message, nonRetryable: true });
}

function refusalText(err: WorkflowUpdateFailedError | WorkflowNotFoundError): string {
  return (err.cause as Error | undefined)?.message ?? err.message;
}

/** The update by its wire name with its input, for the steps that change the incident. */
function incidentUpdate(policy: Policy, i: RuleIncidentStepInput): { name: string | typeof assignRoleUpdate | typeof pageUpdate; input: Record<string, unknown> } {
  const { step, actor } = i;
  switch (step.kind) {
    case 'assign_role': {
      const person = findPersonByHandle(policy, step.person);
      if (!person) throw refusedStep(`${step.person} is not in the policy any more`);
      return { name: assignRoleUpdate, input: { actor, role: step.role, person: { source: 'slack', id: person.slack, name: person.name } } };
    }
    case 'add_checklist':
      return { name: 'addChecklist', input: { actor, checklist: step.checklist } };
    case 'page':
      return { name: pageUpdate, input: { actor, ...(step.service ? { service: step.service } : { team: step.team }), ...(step.reason ? { reason: step.reason } : {}) } };
    case 'request_sandbox':
      return { name: 'createSandbox', input: { actor, requestKey: i.updateId, ...(step.source ? { source: step.source } : {}), ...(step.ttlSeconds ? { ttlSeconds: step.ttlSeconds } : {}) } };
    case 'request_flag_rollback':
      // No emergency bypass: a flag that needs approval waits for a second person, as for anyone.
      return { name: 'rollbackFlags', input: { actor, flags: step.flags, reason: step.reason } };
    default:
      throw refusedStep(`step ${step.kind} does not change the incident`);
  }
}

export function createRuleActivities({ db, policy }: { db: Database; policy: () => Policy }) {
  return {
    /** What a rule's conditions read of the incident now (after a wait or a trigger's delay). */
    async ruleIncidentFacts(input: { incident: string }): Promise<IncidentFacts> {
      const { client } = Context.current();
      // `private` is part A's field of the view (optional, so older incidents have none).
      const view: IncidentView & { private?: boolean } = await client.workflow.getHandle(incidentWorkflowId(input.incident)).query(stateQuery);
      return {
        severity: view.severity,
        services: view.services,
        private: view.private === true,
        title: view.title,
        source: view.source,
        phase: view.phase,
        ...(view.description !== undefined ? { description: view.description } : {}),
        ...(view.sourceRef !== undefined ? { sourceRef: view.sourceRef } : {}),
      };
    },

    async runRuleIncidentStep(input: RuleIncidentStepInput): Promise<void> {
      const { name, input: args } = incidentUpdate(policy(), input);
      await once(db, { key: `rule-step:${input.updateId}`, kind: 'rule.step' }, async () => {
        const handle = Context.current().client.workflow.getHandle(incidentWorkflowId(input.incident));
        try {
          await handle.executeUpdate(name as string, { args: [args], updateId: input.updateId });
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) throw refusedStep(refusalText(err));
          throw err;
        }
      });
    },

    /** The run's end on the incident's timeline; an incident already closed has no timeline to write. */
    async reportRuleRun(input: { incident: string; updateId: string; report: RuleReportInput }): Promise<{ written: boolean }> {
      const handle = Context.current().client.workflow.getHandle(incidentWorkflowId(input.incident));
      try {
        await handle.executeUpdate(ruleReportUpdate, { args: [input.report], updateId: input.updateId });
        return { written: true };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) return { written: false };
        throw err;
      }
    },
  };
}

export type RuleActivities = ReturnType<typeof createRuleActivities>;
