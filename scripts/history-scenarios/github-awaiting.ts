// A GitHub delivery answered on acceptance (`npm run record-histories -- delivery-awaiting`): a
// note from an issue comment accepted by the incident, then the delivery's workflow waiting for
// the note's outcome and posting the reply it renders, on the GitHub API stand-in.

import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { createGitHubOutcomeActivities } from '../../activities/github/delivery-outcomes.js';
import { createGitHubApi } from '../../activities/github/client.js';
import { createGitHubWebhookActivities } from '../../activities/github/webhook-effects.js';
import { declareIncident } from '../../bots/workflow-client.js';
import type { Database } from '../../db/client.js';
import type { Actor } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { createLogger } from '../../platform/logger.js';
import { startGitHubStandIn } from '../../test/standins/github-api.js';
import type { GitHubDeliveryInput } from '../../workflows/github-delivery/messages.js';
import { addNoteUpdate } from '../../workflows/incident/messages.js';
import type { Save, ScenarioContext } from './steps.js';

type Scenario = (ctx: ScenarioContext, save: Save) => Promise<void>;
type WithWorker<S> = (stack: S, policy: S extends { policy: infer P } ? P : never, scenario: Scenario, extras: { activities?: object }) => Promise<void>;

const reporter: Actor = { source: 'github', id: 'octocat', name: 'octocat' };

async function deliveryAwaitingNote(ctx: ScenarioContext, save: Save): Promise<void> {
  const issue = 'acme/payments#8';
  const { key } = await declareIncident(ctx, { idempotencyKey: `github:${issue}:${randomUUID()}`, title: 'Search is slow', severity: 'SEV3', services: ['payments'], source: 'github', sourceRef: issue, reporter, linkIssue: issue });
  const workflowId = incidentWorkflowId(key);
  const updateId = `github-comment:${randomUUID()}:addNote`;
  const accepted = await ctx.client.workflow.getHandle(workflowId).startUpdate(addNoteUpdate, { args: [{ actor: reporter, text: 'p99 back under 200 ms' }], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
  const deliveryId = randomUUID();
  const input: GitHubDeliveryInput = {
    deliveryId,
    event: 'issue_comment',
    result: 'accepted note',
    awaiting: { workflowId, runId: accepted.workflowRunId, updateId, incident: key, repo: 'acme/payments', number: 8, opening: '<!-- firebreak:reply -->\n@octocat ', onSuccess: 'incident' },
  };
  await ctx.client.workflow.execute('githubDeliveryWorkflow', { taskQueue: ctx.taskQueue, workflowId: `github-delivery:${deliveryId}`, args: [input] });
  await save('github-delivery-awaiting', `github-delivery:${deliveryId}`);
}

/** Runs the scenario with the delivery's activities against the GitHub API stand-in. */
export async function recordGitHubDeliveryAwaiting<S extends { address: string; namespace: string; database: { db: Database }; policy: unknown }>(stack: S, withWorker: WithWorker<S>): Promise<void> {
  const standin = await startGitHubStandIn();
  const connection = await Connection.connect({ address: stack.address });
  try {
    standin.seedIssue('acme/payments', { number: 8, title: 'Search is slow', body: null, labels: ['incident'], user: 'octocat' });
    const api = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger: createLogger({ level: 'warn' }), paceWrites: false });
    const client = new Client({ connection, namespace: stack.namespace });
    const activities = { ...createGitHubWebhookActivities({ db: stack.database.db, api }), ...createGitHubOutcomeActivities({ client, redactor: createRedactor() }) };
    await withWorker(stack, stack.policy as never, deliveryAwaitingNote, { activities });
    if (!standin.commentsOn('acme/payments', 8).some((c) => c.body.includes('p99') || c.body.includes('is SEV3'))) throw new Error('the awaited reply was not posted');
  } finally {
    await connection.close();
    await standin.stop();
  }
}
