// The incident run behind 'incident-roles' (issue 17 §2): a SEV3 whose policy requires a
// customer-liaison is nudged for it on the commander cadence, the liaison (a role with instructions)
// is given, which sends its DM activity, and the incident resolves and closes.

import { getIncidentView, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, until, type Save, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

export function rolesPolicy(policy: Policy): Policy {
  return {
    ...policy,
    incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 },
    roles: {
      'customer-liaison': { instructions: 'Call the account managers of the affected customers.', required: true, severities: ['SEV3'] },
    },
  };
}

export async function incidentRoles(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Invoices delayed', 'SEV3');
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  await until('the customer-liaison nudge', async () =>
    (await getIncidentView(ctx, key)).timeline.some((e) => e.kind === 'reminder' && e.text.includes('no customer-liaison yet')),
  );
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: carol, role: 'customer-liaison', person: alice });
  await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: carol, text: 'invoices sent' });
  await incidentHandle(ctx, key).result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-roles', `incident:${key}`);
}
