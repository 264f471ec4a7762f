// The incident's side of just-in-time access: `access CAPS DURATION REASON` becomes a grant child
// workflow (`grant:GR-N`) that the incident lists and tears down when it resolves.

import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, condition, currentUpdateInfo, patched, startChild } from '@temporalio/workflow';
import { accessRequestProblem, approvalRequirement, escalationStages } from '../../domain/access/rules.js';
import { formatDuration } from '../../domain/duration.js';
import { grantWorkflowId } from '../../domain/ids.js';
import { isActivePhase } from '../../domain/lifecycle.js';
import { requestAccessUpdate, type RequestAccessInput, type RequestAccessResult } from './messages.js';
// By type name, the string the function's name gives: children import the incident's messages, so
// the incident imports nothing of theirs but types.
import type { accessGrantWorkflow } from '../access/workflow.js';
import { incidentKeyAttribute } from '../kernel/search-attributes.js';
import { persistence } from './activities.js';
import type { IncidentRuntime } from './state.js';
import { noteRequestedCapabilities, TASKS_PATCH } from './tasks.js';

// How long a request waits for its grant's first report (pending, or active when no approval is needed).
const FIRST_REPORT_TIMEOUT = '10s';

export function registerAccessHandlers(rt: IncidentRuntime): void {
  const { state } = rt;
  const commanderKey = () => (state.roles.commander ? rt.personKey(state.roles.commander) : undefined);

  rt.handle<RequestAccessInput, RequestAccessResult>(
    requestAccessUpdate,
    (i) => {
      if (!isActivePhase(state.phase)) rt.refuse('IllegalTransition', `${rt.name} is ${state.phase}; access is granted only while an incident is active.`);
      if (!rt.policyLoaded) return;
      const problem = accessRequestProblem(rt.policy(), { ...i, requester: rt.personKey(i.actor), commander: commanderKey() });
      if (problem) rt.refuse('InvalidInput', problem);
    },
    async (i) => {
      const requestKey = `${state.key}:access:${i.requestKey ?? currentUpdateInfo()?.id ?? state.nextEventSeq}`;
      const { grant } = await persistence.allocateGrantKey({ requestKey });
      const workflowId = grantWorkflowId(grant);
      const capabilities = [...new Set(i.capabilities)];
      const needsApproval = approvalRequirement(rt.policy(), capabilities).needsApproval;
      if (!state.children.some((c) => c.kind === 'grant' && c.id === grant)) {
        // Listed at once, so a resolve that races the grant's first report still tears it down.
        state.children.push({ kind: 'grant', id: grant, status: 'requested', summary: `${capabilities.join(', ')} for ${formatDuration(i.durationSeconds)}: requested`, needsTeardown: true });
        rt.version++;
      }
      // Checklists that attach when someone asks for a capability (notify legal for read-pii).
      if (patched(TASKS_PATCH)) await noteRequestedCapabilities(rt, capabilities);
      try {
        await startChild<typeof accessGrantWorkflow>('accessGrantWorkflow', {
          workflowId,
          args: [{ grant, incident: state.key, requester: i.actor, capabilities, durationSeconds: i.durationSeconds, reason: i.reason.trim(), commander: state.roles.commander, policySnapshot: rt.policy() }],
          // ABANDON, not REQUEST_CANCEL: Temporal applies the parent-close policy when the incident
          // continues as new too, which would revoke live grants mid-incident. A grant always
          // expires on its own clock, and the incident's resolve tears every live grant down.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: incidentKeyAttribute, value: state.key }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const child = () => state.children.find((c) => c.kind === 'grant' && c.id === grant);
      const settled = () => {
        const status = child()?.status;
        return status !== undefined && status !== 'requested' && !(status === 'pending' && !needsApproval);
      };
      await condition(settled, FIRST_REPORT_TIMEOUT);
      const approvers = needsApproval ? (escalationStages(rt.policy(), capabilities, rt.personKey(i.actor))[0] ?? []) : [];
      return { grant, workflowId, status: (child()?.status ?? 'requested') as RequestAccessResult['status'], approvers };
    },
    () => rt.decision('requestAccess'),
  );
}
