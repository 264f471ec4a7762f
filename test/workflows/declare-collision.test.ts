// The race the allocation's check cannot close: the number is free when taken, and another
// database starts `incident:INC-N` before this declaration does. The declaration must fail loudly,
// never attach; a repeated declaration (its number allocated before) still finds its own incident.

import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarationWorkflowId, incidentWorkflowId } from '../../domain/ids.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let allocated: { key: string; created: boolean };
beforeAll(async () => {
  system = await startTestSystem({ activities: { allocateIncident: async () => allocated } });
});
afterAll(async () => {
  await system?.stop();
});

async function foreignIncident(): Promise<{ key: string; handle: WorkflowHandle }> {
  const key = `INC-${800_000_000 + Math.floor(Math.random() * 99_999_999)}`;
  const handle = await system.client.workflow.start('incidentWorkflow', {
    workflowId: incidentWorkflowId(key),
    taskQueue: `nobody-polls-${randomUUID()}`,
    args: [{ key, title: 'An incident of another database' }],
  });
  return { key, handle };
}

function declare() {
  const idempotencyKey = `collision:${randomUUID()}`;
  return system.client.workflow.execute('declareIncidentWorkflow', {
    workflowId: declarationWorkflowId(idempotencyKey),
    taskQueue: system.taskQueue,
    args: [{ idempotencyKey, title: 'Checkout returns 502', severity: 'SEV3', services: [], source: 'cli', reporter: { source: 'cli', id: 'alice' } }],
    workflowExecutionTimeout: '1m',
  });
}

describe('a declaration whose new number already has a workflow', () => {
  it('fails with a sentence and leaves that workflow alone', async () => {
    const { key, handle } = await foreignIncident();
    try {
      const before = (await handle.fetchHistory()).events?.length;
      allocated = { key, created: true };
      const failure = await declare().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('IncidentWorkflowTaken');
      expect(cause?.message).toContain(`${key} was not declared`);
      expect((await handle.fetchHistory()).events?.length).toBe(before);
    } finally {
      await handle.terminate('test over');
    }
  });

  it('still answers a repeated declaration with its own incident', async () => {
    const { key, handle } = await foreignIncident();
    try {
      allocated = { key, created: false };
      expect(await declare()).toMatchObject({ key, created: false });
    } finally {
      await handle.terminate('test over');
    }
  });
});
