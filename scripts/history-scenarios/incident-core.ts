// The incident and postmortem recordings from declaration to close, and the run that continues as
// new: scenarios of scripts/record-histories.ts that save by workflow handle (one saves a past run).

import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { declareIncident, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import { postmortemWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import * as pm from '../../workflows/postmortem/messages.js';

export type SaveHandle = (name: string, handle: WorkflowHandle) => Promise<void>;

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };

export async function lifecycle(ctx: { client: Client; taskQueue: string }, save: SaveHandle): Promise<void> {
  const idempotencyKey = `record:${randomUUID()}`;
  const { key } = await declareIncident(ctx, {
    idempotencyKey,
    title: 'Checkout returns 502',
    severity: 'SEV3',
    services: ['payments'],
    source: 'slack',
    reporter: alice,
  });
  const handle = incidentHandle(ctx, key);
  // Long enough for the no-commander nudge (5 s for SEV3 in the test policy) to fire once.
  await new Promise((r) => setTimeout(r, 6_000));
  const run = <I>(def: UpdateDefinition<msg.IncidentView, [I]>, input: I) => runIncidentUpdate(ctx, key, def, input);
  await run(msg.setSeverityUpdate, { actor: bob, severity: 'SEV4', reason: 'internal only' });
  await run(msg.assignRoleUpdate, { actor: bob, role: 'commander', person: alice });
  await run(msg.addNoteUpdate, { actor: bob, text: 'error rate 40% since 10:02' });
  await run(msg.postStatusUpdate, { actor: alice, text: 'Rolling back' });
  await run(msg.markMitigatedUpdate, { actor: alice, text: 'rollback done' });
  await run(msg.resolveUpdate, { actor: alice });
  await run(msg.reopenUpdate, { actor: bob, text: 'back again' });
  await run(msg.resolveUpdate, { actor: alice, text: 'fixed for real' });
  await handle.result(); // SEV4 needs no postmortem: closes after the reopen window
  await save('incident-lifecycle', handle);
  await save('declare', ctx.client.workflow.getHandle(`declare:${idempotencyKey}`));
}

/** A SEV2 from declaration through its postmortem: drafted, reviewed, approved, one item done, closed. */
export async function postmortem(ctx: { client: Client; taskQueue: string }, save: SaveHandle): Promise<void> {
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `record:${randomUUID()}`,
    title: 'Card payments declined',
    severity: 'SEV2',
    services: ['payments'],
    source: 'slack',
    reporter: alice,
  });
  const run = <I>(def: UpdateDefinition<msg.IncidentView, [I]>, input: I) => runIncidentUpdate(ctx, key, def, input);
  await run(msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
  await run(msg.markMitigatedUpdate, { actor: bob, text: 'failed over' });
  await run(msg.resolveUpdate, { actor: bob });
  const pmHandle = ctx.client.workflow.getHandle(postmortemWorkflowId(key));
  for (;;) {
    const ready = await pmHandle.query(pm.postmortemStateQuery).then(() => true, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };
  await pmHandle.executeUpdate(pm.submitPostmortemUpdate, { args: [{ actor: bob }] });
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const item = await pmHandle.executeUpdate(pm.addActionUpdate, { args: [{ actor: bob, text: 'alert on declines', owner: bob, due, priority: 'P2', requestKey: randomUUID() }] });
  await pmHandle.executeUpdate(pm.approvePostmortemUpdate, { args: [{ actor: carol }] });
  await pmHandle.executeUpdate(pm.setActionStatusUpdate, { args: [{ actor: bob, item: item.key, status: 'done' }] });
  await pmHandle.result();
  await incidentHandle(ctx, key).result();
  await save('postmortem-lifecycle', pmHandle);
  await save('incident-postmortem', incidentHandle(ctx, key));
}

export async function continueAsNew(ctx: { client: Client; taskQueue: string }, save: SaveHandle): Promise<void> {
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `record:${randomUUID()}`,
    title: 'Search latency',
    severity: 'SEV3',
    services: ['search'],
    source: 'cli',
    reporter: alice,
  });
  const firstRun = (await incidentHandle(ctx, key).describe()).runId;
  for (let i = 1; i <= 6; i++) await runIncidentUpdate(ctx, key, msg.addNoteUpdate, { actor: alice, text: `note ${i}` });
  const first = ctx.client.workflow.getHandle(`incident:${key}`, firstRun);
  while ((await first.describe()).status.name !== 'CONTINUED_AS_NEW') await new Promise((r) => setTimeout(r, 200));
  await save('incident-continue-as-new', first);
  await incidentHandle(ctx, key).terminate('recorded');
}
