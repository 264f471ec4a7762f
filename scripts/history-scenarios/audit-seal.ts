// The audit seal's run for the replay tests: one audit row on an incident's chain, then a run of
// the workflow the schedule starts, which seals a checkpoint over it.

import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../db/audit.js';
import type { Database } from '../../db/client.js';
import type { AuditSealResult } from '../../workflows/audit-seal/messages.js';
import type { Save, ScenarioContext } from './steps.js';

export function auditSeal(db: Database) {
  return async (ctx: ScenarioContext, save: Save): Promise<void> => {
    await db.transaction((tx) =>
      appendAudit(tx, { at: new Date(), actor: { source: 'system', id: 'firebreak' }, action: 'incident.note', subject: 'INC-900001', details: { text: 'recorded' }, idempotencyKey: `record:${randomUUID()}` }),
    );
    const workflowId = `record-audit-seal-${randomUUID()}`;
    const result = await ctx.client.workflow.execute<() => Promise<AuditSealResult>>('auditSealWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [] });
    if (!result.sealed) throw new Error(`the recorded seal sealed nothing: ${JSON.stringify(result)}`);
    await save('audit-seal', workflowId);
  };
}
