// The incident run behind 'incident-tasks' (issue 17 §3): `sev 3` attaches a checklist whose second
// task falls overdue on the main loop's timer, a task is added and done, the required one is waived
// by the commander, and the incident resolves and closes.

import { getIncidentView, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, until, type Save, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

export function tasksPolicy(policy: Policy): Policy {
  return {
    ...policy,
    incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 },
    checklists: {
      'sev3-support': {
        when: { severities: ['SEV3'] },
        tasks: [
          { text: 'Tell support', owner: 'comms', required: true },
          { text: 'Snapshot the queue', required: false, dueSeconds: 1 },
        ],
      },
    },
  };
}

export async function incidentTasks(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Queue backlog', 'SEV4');
  await runIncidentUpdate(ctx, key, msg.setSeverityUpdate, { actor: alice, severity: 'SEV3' });
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  await until('the overdue task', async () => (await getIncidentView(ctx, key)).tasks?.[1]?.overdueAt);
  const handle = incidentHandle(ctx, key);
  const added = await handle.executeUpdate(msg.addTaskUpdate, { args: [{ actor: alice, text: 'Drain the dead letters', owner: carol }] });
  await handle.executeUpdate(msg.changeTaskUpdate, { args: [{ actor: carol, task: added.task!.id, action: 'done' }] });
  await handle.executeUpdate(msg.changeTaskUpdate, { args: [{ actor: carol, task: 'TASK-1', action: 'waive', reason: 'support saw the banner' }] });
  await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: carol, text: 'backlog drained' });
  await handle.result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-tasks', `incident:${key}`);
}
