// One workflow per alert group (`alert-group:<source>:<hash of groupKey>`), started or signalled
// with signal-with-start by the intake routes, so re-sends, retries and concurrent deliveries of a
// group all land in one place and change only what is new. It routes the group once, declares or
// attaches to an incident, writes each alert's firing and resolution once on the timeline, and
// ends after the group has stayed resolved for alerts.closeResolvedGroupsAfter; a later firing starts a fresh run.

import { condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { AlertDelivery } from '../../domain/alerts/index.js';
import { records } from './activities.js';
import { registerAlertGroupHandlers } from './handlers.js';
import type { AlertGroupInput, AlertGroupView } from './messages.js';
import { AlertGroup } from './state.js';

/** Without an alerts section (it was removed after the group started), the schema's default. */
const CLOSE_RESOLVED_AFTER_SECONDS = 3600;

export async function alertGroupWorkflow(input: AlertGroupInput): Promise<AlertGroupView> {
  const group = new AlertGroup(input);
  const pending: AlertDelivery[] = [];
  registerAlertGroupHandlers(group, pending);
  const policy = await records.loadPolicy();
  const linger = (policy.alerts?.closeResolvedGroupsAfterSeconds ?? CLOSE_RESOLVED_AFTER_SECONDS) * 1000;
  for (;;) {
    const waitFor = () => pending.length > 0;
    const woke = group.resolved ? await condition(waitFor, linger) : (await condition(waitFor), true);
    if (!woke) return group.view();
    while (pending.length > 0) await group.apply(pending.shift()!, policy);
    // Nothing is pending and nothing awaits here, so no delivery can be lost across the hand-over.
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof alertGroupWorkflow>({ ...input, carried: group.state });
  }
}
