// The incident's side of debugging sandboxes: `sandbox create …` and `sandbox recreate SBX-N`
// become a sandbox child workflow (`sandbox:SBX-N`) that the incident lists and tears down on
// resolve.

import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ParentClosePolicy, currentUpdateInfo, startChild } from '@temporalio/workflow';
import { formatDuration } from '../../domain/duration.js';
import { sandboxWorkflowId } from '../../domain/ids.js';
import { isActivePhase } from '../../domain/lifecycle.js';
import type { Policy } from '../../domain/policy/index.js';
import { createSandboxUpdate, type CreateSandboxInput, type CreateSandboxResult } from './messages.js';
// By type name, the string the function's name gives: children import the incident's messages, so
// the incident imports nothing of theirs but types.
import type { sandboxWorkflow } from '../sandbox/workflow.js';
import { incidentKeyAttribute } from '../kernel/search-attributes.js';
import { persistence } from './activities.js';
import type { IncidentRuntime } from './state.js';

// Warn a tenth of the TTL before expiry, at most fifteen minutes before.
const warnBefore = (ttlSeconds: number) => Math.min(Math.ceil(ttlSeconds / 10), 15 * 60);

/** The source a request names, or the one of the incident's services, or the only one there is. */
function chooseSource(policy: Policy, services: string[], named?: string): string | undefined {
  const sources = Object.keys(policy.sandboxes?.sources ?? {});
  if (named) return sources.includes(named) ? named : undefined;
  const fromService = services.map((s) => policy.services[s]?.sandboxSource).find((s) => s !== undefined);
  return fromService ?? (sources.length === 1 ? sources[0] : undefined);
}

function requestProblem(rt: IncidentRuntime, i: CreateSandboxInput): string | undefined {
  const sandboxes = rt.policy().sandboxes;
  if (!sandboxes) return 'This Firebreak has no sandbox sources; add a sandboxes section to the policy.';
  if (i.ttlSeconds !== undefined && i.ttlSeconds > sandboxes.maxTtlSeconds) return `A sandbox may live at most ${formatDuration(sandboxes.maxTtlSeconds)}; ask for less.`;
  if (i.seed !== undefined && (!Number.isInteger(i.seed) || i.seed < 0 || i.seed > 2 ** 31 - 1)) return 'A seed is a whole number from 0 to 2147483647.';
  if (!i.recreate && !chooseSource(rt.policy(), rt.state.services, i.source)) {
    const known = Object.keys(sandboxes.sources).join(', ');
    return i.source ? `There is no sandbox source "${i.source}"; known: ${known}.` : `Which source? Name one with source:NAME (known: ${known}).`;
  }
  return undefined;
}

export function registerSandboxHandlers(rt: IncidentRuntime): void {
  const { state } = rt;
  rt.handle<CreateSandboxInput, CreateSandboxResult>(
    createSandboxUpdate,
    (i) => {
      if (!isActivePhase(state.phase)) rt.refuse('IllegalTransition', `${rt.name} is ${state.phase}; sandboxes are created only while an incident is active.`);
      if (!rt.policyLoaded) return;
      const problem = requestProblem(rt, i);
      if (problem) rt.refuse('InvalidInput', problem);
    },
    async (i) => {
      const policy = rt.policy().sandboxes!;
      const original = i.recreate ? await persistence.getSandboxRecord({ sandbox: i.recreate }) : undefined;
      if (i.recreate && !original) rt.refuse('InvalidInput', `There is no sandbox ${i.recreate} to recreate.`);
      const requestKey = `${state.key}:sandbox:${i.requestKey ?? currentUpdateInfo()?.id ?? state.nextEventSeq}`;
      const { sandbox } = await persistence.allocateSandboxKey({ requestKey });
      const source = original?.source ?? chooseSource(rt.policy(), state.services, i.source)!;
      // Workflow Math.random is seeded by Temporal: the same on replay, recorded in the provenance.
      const seed = original?.seed ?? i.seed ?? Math.floor(Math.random() * 2 ** 31);
      const ttlSeconds = i.ttlSeconds ?? policy.defaultTtlSeconds;
      const release = original?.releaseRef ?? i.release;
      if (!state.children.some((c) => c.kind === 'sandbox' && c.id === sandbox)) {
        // Listed at once, so a resolve that races the sandbox's first report still tears it down.
        state.children.push({ kind: 'sandbox', id: sandbox, status: 'provisioning', summary: `${source}, seed ${seed}: requested`, needsTeardown: true });
        rt.version++;
      }
      try {
        await startChild<typeof sandboxWorkflow>('sandboxWorkflow', {
          workflowId: sandboxWorkflowId(sandbox),
          args: [{
            sandbox, incident: state.key, incidentTitle: state.title, requester: i.actor, requesterName: rt.personKey(i.actor), source, seed, ttlSeconds,
            maxTtlSeconds: policy.maxTtlSeconds, warnBeforeSeconds: warnBefore(ttlSeconds), timeline: [...state.timeline],
            policySnapshot: rt.policy(), ...(state.roles.commander ? { commander: state.roles.commander } : {}),
            ...(release ? { release: { ref: release } } : {}),
            ...(i.recreate ? { recreatedFrom: { sandbox: i.recreate, ...(original?.contentHash ? { contentHash: original.contentHash } : {}) } } : {}),
          }],
          // ABANDON: the sandbox owns its TTL and must outlive an incident that is terminated or
          // continues as new; the incident's resolve tears it down with the teardown signal.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: incidentKeyAttribute, value: state.key }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return { sandbox, workflowId: sandboxWorkflowId(sandbox), source, seed, ttlSeconds };
    },
    () => rt.decision('createSandbox'),
  );
}
