// An update that reaches an incident in its very first workflow task (sent before any worker has
// run it) is buffered by the SDK and handed to its handler the moment the handler is registered.
// Triage must still be the incident's first write, as the lifecycle test expects: update-with-start
// makes that first-task delivery certain instead of a matter of timing.

import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateIncident } from '../../db/queries/incidents.js';
import { auditLog } from '../../db/schema/index.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Actor, IncidentDeclaration } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe('an update in the incident’s first workflow task', () => {
  it('is written after triage starts, not before', async () => {
    const declaration: IncidentDeclaration = { title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'cli', reporter: alice };
    const declaredAt = new Date();
    const { key } = await allocateIncident(system.database.db, { ...declaration, idempotencyKey: `first-task:${randomUUID()}`, declaredAt });
    const start = new WithStartWorkflowOperation('incidentWorkflow', {
      workflowId: incidentWorkflowId(key),
      taskQueue: system.taskQueue,
      args: [{ ...declaration, key, declaredAt: declaredAt.toISOString() }],
      workflowIdConflictPolicy: 'FAIL',
    });
    const view = await system.client.workflow.executeUpdateWithStart(msg.setSeverityUpdate, {
      args: [{ actor: alice, severity: 'SEV1', reason: 'all regions' }],
      startWorkflowOperation: start,
    });
    expect(view.severity).toBe('SEV1');

    const actions = await eventually(async () => {
      const rows = await system.database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.subject, key)).orderBy(auditLog.seq);
      return rows.length >= 3 ? rows.map((r) => r.action) : undefined;
    });
    expect(actions.slice(0, 3)).toEqual(['incident.declare', 'incident.start_triage', 'incident.severity']);
  });
});
