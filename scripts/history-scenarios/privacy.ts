// The runs behind 'declare-private' and 'incident-private' (issue 17 §1): a private declaration
// (the declare workflow's private branch), a member adds bob, a non-member's invitation and a
// non-commander's `public` are refused, the commander makes it public, a member makes it private
// again, and the incident resolves and closes.

import { randomUUID } from 'node:crypto';
import { declareIncident, getIncidentView, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { until, type Save, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

export function privacyPolicy(policy: Policy): Policy {
  return { ...policy, incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 }, privateIncidents: { members: [], includeInMetrics: false } };
}

export async function incidentPrivate(ctx: ScenarioContext, save: Save): Promise<void> {
  const idempotencyKey = `record:${randomUUID()}`;
  const { key } = await declareIncident(ctx, { idempotencyKey, title: 'Payroll export sent to the wrong bank', severity: 'SEV4', services: ['payments'], source: 'slack', reporter: alice, private: true });
  await save('declare-private', `declare:${idempotencyKey}`);
  await until('triage', async () => (await getIncidentView(ctx, key)).phase === 'triage');
  const handle = incidentHandle(ctx, key);
  const refused = (work: Promise<unknown>) => work.then(() => Promise.reject(new Error('expected a refusal')), () => undefined);
  await refused(handle.executeUpdate(msg.inviteUpdate, { args: [{ actor: bob, person: carol }] }));
  await handle.executeUpdate(msg.inviteUpdate, { args: [{ actor: alice, person: bob }] });
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  await refused(handle.executeUpdate(msg.setPrivacyUpdate, { args: [{ actor: bob, private: false }] }));
  await handle.executeUpdate(msg.setPrivacyUpdate, { args: [{ actor: carol, private: false }] });
  await handle.executeUpdate(msg.setPrivacyUpdate, { args: [{ actor: bob, private: true }] });
  await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: carol, text: 'export recalled' });
  await handle.result(); // SEV4 needs no postmortem: closes after the reopen window
  await save('incident-private', `incident:${key}`);
}
