// The incident's side of postmortems: a resolve starts `postmortem:INC-N` when the severity needs
// one; a second resolve (after a reopen) asks the existing one to redraft from the longer timeline.

import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, getExternalWorkflowHandle, log, startChild } from '@temporalio/workflow';
import { postmortemWorkflowId } from '../../domain/ids.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { severityPolicy } from '../../domain/policy/rules.js';
// By type name, the string the function's name gives: children import the incident's messages, so
// the incident imports nothing of theirs but types.
import type { postmortemWorkflow } from '../postmortem/workflow.js';
import { incidentKeyAttribute } from '../kernel/search-attributes.js';
import { redraftSignal } from './messages.js';
import type { IncidentRuntime } from './state.js';

export async function startPostmortem(rt: IncidentRuntime): Promise<void> {
  const workflowId = postmortemWorkflowId(rt.state.key);
  if (!severityPolicy(rt.policy(), rt.state.severity).postmortem.required) return;
  try {
    await startChild<typeof postmortemWorkflow>('postmortemWorkflow', {
      workflowId,
      args: [{ incident: rt.state.key, requestedBy: SYSTEM_ACTOR }],
      // ABANDON: action items are tracked for weeks, long after the incident itself has closed.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: incidentKeyAttribute, value: rt.state.key }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await getExternalWorkflowHandle(workflowId)
      .signal(redraftSignal)
      .catch((e: unknown) => log.warn('postmortem redraft signal failed', { workflowId, error: String(e) }));
  }
}
