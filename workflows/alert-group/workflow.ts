// One workflow per alert group (`alert-group:<source>:<hash of groupKey>`), started or signalled
// with signal-with-start by the intake routes, so re-sends, retries and concurrent deliveries of a
// group all land in one place and change only what is new. It routes the group once, declares or
// attaches to an incident, writes each alert's firing and resolution once on the timeline, and
// ends after the group has stayed resolved for alerts.closeResolvedGroupsAfter; a later firing starts a fresh run.
// Triage routes and suppression windows hold the declaration first (held.ts).

import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { AlertDelivery } from '../../domain/alerts/index.js';
import type { Policy } from '../../domain/policy/index.js';
import { records } from './activities.js';
import { registerAlertGroupHandlers } from './handlers.js';
import { heldDecisionWaiting, heldUntil } from './held.js';
import type { AlertGroupInput, AlertGroupView } from './messages.js';
import { AlertGroup } from './state.js';

/** Without an alerts section (it was removed after the group started), the schema's default. */
const CLOSE_RESOLVED_AFTER_SECONDS = 3600;

export async function alertGroupWorkflow(input: AlertGroupInput): Promise<AlertGroupView> {
  const group = new AlertGroup(input);
  const pending: AlertDelivery[] = [];
  // Handlers are set before the policy is loaded, so an update in the first task is not lost.
  const loaded: { policy?: Policy } = {};
  registerAlertGroupHandlers(group, pending, () => loaded.policy);
  const policy = (loaded.policy = await records.loadPolicy());
  const linger = (policy.alerts?.closeResolvedGroupsAfterSeconds ?? CLOSE_RESOLVED_AFTER_SECONDS) * 1000;
  for (;;) {
    // A triage decision wakes the loop like a delivery; a suppression window's end wakes it by timer.
    const waitFor = () => pending.length > 0 || heldDecisionWaiting(group.state);
    const until = heldUntil(group.state);
    const woke = group.resolved
      ? await condition(waitFor, linger)
      : until !== undefined
        ? (await condition(waitFor, Math.max(until - Date.now(), 1)), true)
        : (await condition(waitFor), true);
    if (!woke) {
      // A decision that arrived as the group ended is answered (it was resolved) before the run returns.
      await condition(allHandlersFinished);
      return group.view();
    }
    while (pending.length > 0) await group.apply(pending.shift()!, policy);
    await group.resumeHeld(policy);
    // Nothing is pending and nothing awaits here, so no delivery can be lost across the hand-over;
    // an undecided triage click waits for this loop, so the hand-over waits for the next round.
    if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) await continueAsNew<typeof alertGroupWorkflow>({ ...input, carried: group.state });
  }
}
