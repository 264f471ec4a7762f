// Automation rules on the incident's side: after each recorded event, the rules it sets off whose
// conditions hold start as child workflows (workflows/rule/) under a workflow ID made of the
// incident, the rule and its once-scope, with a reuse policy that rejects duplicates, so a rule
// runs once per incident (severity, person) whatever is replayed or retried. Each start is on the
// timeline; each run tells how it ended (ruleReport). A rule started MAX_RULE_RUNS times in one
// incident (a loop: a rule whose step sets itself off) is stopped with one timeline entry.

import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { holds } from '../../domain/automation/conditions.js';
import { describeTrigger } from '../../domain/automation/describe.js';
import {
  eventLabels,
  factsOf,
  MAX_RULE_RUNS,
  onceScopeKey,
  ruleActor,
  ruleEventsOf,
  ruleRunWorkflowId,
  rulesFor,
  type RecordedEvent,
} from '../../domain/automation/triggers.js';
import type { RuleEvent, RuleSpec } from '../../domain/automation/types.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import { incidentKeyAttribute } from '../kernel/search-attributes.js';
// By type name: the rule run imports the incident's messages, so the incident imports nothing of its but types.
import type { ruleWorkflow } from '../rule/workflow.js';
import type { RuleRunInput } from '../rule/messages.js';
import { ruleReportUpdate, type RuleReportInput } from './messages.js';
import type { IncidentRuntime } from './state.js';

/** Rules are newer than the histories of running incidents; the marker keeps those replaying. */
export const AUTOMATION_RULES_PATCH = 'automation-rules';

export function registerAutomation(rt: IncidentRuntime): void {
  rt.afterRecord((kind, actor, details) => {
    const recorded: RecordedEvent = { kind, ...(details ? { details } : {}) };
    const events = ruleEventsOf(recorded);
    if (events.length === 0 || !rt.policyLoaded) return;
    const rules = rulesFor(rt.policy().rules, events);
    if (rules.length === 0 || !patched(AUTOMATION_RULES_PATCH)) return;
    // Queued behind the event that set the rules off, never awaited here: record() runs inside the queue.
    void rt.serially(() => startRuns(rt, rules, events, actor, eventLabels(recorded))).catch(() => undefined);
  });

  rt.handle<RuleReportInput, unknown>(
    ruleReportUpdate,
    (i) => {
      if (i.actor.source !== 'system') rt.refuse('NotAllowed', 'Only a rule run reports how it ended.');
    },
    async (i) => {
      const where = i.step !== undefined ? ` at step ${i.step}` : '';
      await rt.record('note', SYSTEM_ACTOR, `Rule ${i.rule} ${i.outcome}${where}: ${i.text}`, {
        details: { rule: { key: i.rule, run: i.run, event: i.outcome, ...(i.step !== undefined ? { step: i.step } : {}) } },
      });
      return { incident: rt.name, outcome: i.outcome };
    },
  );
}

async function startRuns(rt: IncidentRuntime, rules: Array<[string, RuleSpec]>, events: RuleEvent[], actor: Actor, labels: Record<string, string>): Promise<void> {
  const { state } = rt;
  for (const [key, spec] of rules) {
    // A delayed rule judges its conditions when its timer fires (in the run), not now.
    if (spec.when.afterSeconds === undefined && !holds(spec.if, factsOf(rt.view(), labels, new Date().toISOString()))) continue;
    const runs = state.ruleRuns?.[key] ?? 0;
    if (runs >= MAX_RULE_RUNS) {
      if (!state.rulesStopped?.includes(key)) {
        state.rulesStopped = [...(state.rulesStopped ?? []), key];
        await rt.record('note', SYSTEM_ACTOR, `Rule ${key} stopped: it ran ${runs} times in ${rt.name}, which looks like a loop; it will not run again in this incident.`, {
          details: { rule: { key, event: 'loop-stopped', runs } },
        });
      }
      continue;
    }
    const run = ruleRunWorkflowId(rt.name, key, onceScopeKey(spec.once, state.severity, actor));
    const event = events.find((e) => e === spec.when.event)!;
    const input: RuleRunInput = { incident: rt.name, rule: key, spec, run, actor: ruleActor(key, runs + 1), event, labels };
    try {
      await startChild<typeof ruleWorkflow>('ruleWorkflow', {
        workflowId: run,
        args: [input],
        // ABANDON: a run outlives an incident that continues as new; it reports to the incident by ID.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [{ key: incidentKeyAttribute, value: state.key }],
      });
    } catch (err) {
      // Already ran for this scope: once means once.
      if (err instanceof WorkflowExecutionAlreadyStartedError) continue;
      throw err;
    }
    state.ruleRuns = { ...state.ruleRuns, [key]: runs + 1 };
    const scope = spec.once === 'incident' ? 'once per incident' : spec.once === 'severity' ? `once at ${state.severity}` : `once for ${actor.name ?? actor.id}`;
    await rt.record('note', SYSTEM_ACTOR, `Rule ${key} started (${describeTrigger(spec.when)}; ${scope}).`, {
      details: { rule: { key, run, event: 'started', trigger: event } },
    });
  }
}
