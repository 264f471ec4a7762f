// The runs record-histories.ts records for the workflow types beyond incident, declare and
// postmortem: a grant, a sandbox, an incident with a flag rollback saga, retention, the weekly digest
// GitHub redelivery, a GitHub delivery's effects, an alert group and a page's escalation. Each drives the real workflow through its public messages; only the
// systems outside Firebreak (the sandbox server, GitHub, Prometheus) are stand-ins or test servers.
// The runs behind later patches live beside it in history-scenarios/ (alert triage, auto-mitigation
// and suppression; the resolve question on a public incident and its mirror).

import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { declareIncident, getIncidentView, incidentHandle, runIncidentUpdate } from '../bots/workflow-client.js';
import { grantWorkflowId, sandboxWorkflowId } from '../domain/ids.js';
import type { Actor } from '../domain/incident.js';
import { pageEscalationWorkflowId, type PageEscalationInput } from '../domain/paging.js';
import type { Policy } from '../domain/policy/index.js';
import * as access from '../workflows/access/messages.js';
import * as alerts from '../workflows/alert-group/messages.js';
import * as msg from '../workflows/incident/messages.js';
import * as sbx from '../workflows/sandbox/messages.js';
import { declare, until, type Save, type ScenarioContext } from './history-scenarios/steps.js';

export type { Save, ScenarioContext, StandIn } from './history-scenarios/steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

/**
 * An update the incident handles for its children (requestAccess, createSandbox, rollbackFlags,
 * decideFlag), by wire name: the name is fixed by every history that carries it, while the
 * definitions move between message files as workflows/ is reshaped.
 */
function incidentUpdate<R>(ctx: ScenarioContext, incident: string, name: string, input: { actor: Actor } & Record<string, unknown>): Promise<R> {
  return incidentHandle(ctx, incident).executeUpdate<R, [typeof input]>(name, { args: [input] });
}

/**
 * The test policy with `read-logs` behind an approval by team sre: a token grant that exercises the
 * approval path without a Postgres server to grant on.
 */
export function grantPolicy(policy: Policy): Policy {
  const readLogs = policy.capabilities['read-logs']!;
  return { ...policy, capabilities: { ...policy.capabilities, 'read-logs': { ...readLogs, approval: true, approvers: ['sre'], quorum: 1 } } };
}

/** A grant requested, approved, extended past what was approved (approved again), warned and expired. */
export async function grantLifecycle(ctx: ScenarioContext, save: Save): Promise<void> {
  const incident = await declare(ctx, 'Checkout returns 502', 'SEV3');
  const requested = await incidentUpdate<{ grant: string }>(ctx, incident, 'requestAccess', { actor: alice, capabilities: ['read-logs'], durationSeconds: 6, reason: 'checking 502s on /pay' });
  const handle = ctx.client.workflow.getHandle(grantWorkflowId(requested.grant));
  const decide = <I>(def: UpdateDefinition<access.GrantView, [I]>, input: I) => handle.executeUpdate(def, { args: [input] });
  await decide(access.approveUpdate, { actor: carol });
  await decide(access.extendUpdate, { actor: alice, seconds: 4, reason: 'still digging' });
  await decide(access.approveUpdate, { actor: carol });
  const ended = await handle.result();
  if (ended.status !== 'expired') throw new Error(`the recorded grant ended ${ended.status}, not expired`);
  await save('grant-lifecycle', grantWorkflowId(requested.grant));
  await incidentHandle(ctx, incident).terminate('recorded');
}

/** A sandbox created from the incident, extended, warned before its expiry and destroyed on request. */
export async function sandboxLifecycle(ctx: ScenarioContext, save: Save): Promise<void> {
  const incident = await declare(ctx, 'Refunds stuck', 'SEV3');
  const created = await incidentUpdate<{ sandbox: string }>(ctx, incident, 'createSandbox', { actor: alice, seed: 42, ttlSeconds: 6, release: 'v1.2.3' });
  const handle = ctx.client.workflow.getHandle(sandboxWorkflowId(created.sandbox));
  await until('sandbox ready', async () => (await handle.query(sbx.stateQuery)).status === 'ready');
  await handle.executeUpdate(sbx.extendSandboxUpdate, { args: [{ actor: alice, seconds: 4 }] });
  await until('expiry warning', async () => (await handle.query(sbx.stateQuery)).warnedAt !== undefined);
  await handle.executeUpdate(sbx.destroySandboxUpdate, { args: [{ actor: alice, reason: 'found the stuck refund' }] });
  await handle.result();
  await save('sandbox-lifecycle', sandboxWorkflowId(created.sandbox));
  await incidentHandle(ctx, incident).terminate('recorded');
}

/**
 * An incident whose flag rollbacks run as sagas: two flags where the second is missing (the first is
 * compensated), then one flag rolled back and verified, the incident resolved, and the flag kept.
 * `new-checkout` must be on in Unleash and `smart-retries` must not exist.
 */
export async function flagSaga(ctx: ScenarioContext, save: Save): Promise<void> {
  const incident = await declare(ctx, 'Checkout returns 502', 'SEV3');
  const rollback = (input: { actor: Actor; flags: string[]; reason: string }) => incidentUpdate<{ ok: boolean }>(ctx, incident, 'rollbackFlags', input);
  const saga = await rollback({ actor: carol, flags: ['new-checkout', 'smart-retries'], reason: 'both suspicious' });
  if (saga.ok) throw new Error('the two-flag saga was meant to fail on smart-retries and compensate');
  await rollback({ actor: carol, flags: ['new-checkout'], reason: 'checkout 502s since the flag went on' });
  const timeline = async () => (await getIncidentView(ctx, incident)).timeline.map((e) => e.text);
  await until('rollback verification', async () => (await timeline()).some((t) => t.startsWith('After rolling back new-checkout')));
  await runIncidentUpdate(ctx, incident, msg.resolveUpdate, { actor: carol, text: 'fixed forward' });
  await until('keep-or-restore question', async () => (await timeline()).some((t) => t.startsWith('Keep or restore')));
  await incidentUpdate(ctx, incident, 'decideFlag', { actor: carol, flag: 'new-checkout', decision: 'keep' });
  await incidentHandle(ctx, incident).result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-flag-saga', `incident:${incident}`);
}

export async function retention(ctx: ScenarioContext, save: Save): Promise<void> {
  const workflowId = `record-retention-${randomUUID()}`;
  await ctx.client.workflow.execute('retentionWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [{}] });
  await save('retention', workflowId);
}

export async function weeklyDigest(ctx: ScenarioContext, save: Save): Promise<void> {
  const workflowId = `record-digest-${randomUUID()}`;
  await ctx.client.workflow.execute('weeklyDigestWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [] });
  await save('weekly-digest', workflowId);
}

/** One failed delivery GitHub sends again and one it refuses (older than three days: 422). */
export async function githubRedelivery(ctx: ScenarioContext, save: Save): Promise<void> {
  const workflowId = `record-github-redelivery-${randomUUID()}`;
  const result = await ctx.client.workflow.execute('githubRedeliveryWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [{ lookbackSeconds: 4 * 86_400 }] });
  if ((result as { redelivered: string[] }).redelivered.length !== 1) throw new Error(`unexpected redelivery result ${JSON.stringify(result)}`);
  await save('github-redelivery', workflowId);
}

/**
 * The sandbox server's activities as a stand-in: a fixed clone and credentials, no database made.
 * The sandbox workflow sees what a real copy returns; the copy itself is covered by the sandbox tests.
 */
export function sandboxServerStandIn() {
  return {
    async provisionSandbox(input: { sandbox: string; source: string; seed: number }) {
      return {
        database: `sandbox_${input.sandbox.toLowerCase().replace('-', '_')}`,
        source: { database: 'app', server: '127.0.0.1:5432' },
        snapshotAt: new Date().toISOString(),
        schemaHash: 'a'.repeat(64),
        policyHash: 'b'.repeat(64),
        seed: input.seed,
        rowCounts: { 'public.customers': 40, 'public.orders': 100 },
        rules: { 'public.customers': { email: 'email: policy rule' } },
        contentHash: 'c'.repeat(64),
        resumed: false,
      };
    },
    async issueSandboxCredentials(input: { sandbox: string }) {
      const database = `sandbox_${input.sandbox.toLowerCase().replace('-', '_')}`;
      return { role: database, host: '127.0.0.1:5432', database };
    },
    async extendSandboxCredentials(): Promise<void> {},
    async destroySandbox(): Promise<void> {},
  };
}

/**
 * A GitHub issue that declares an incident (the declaration links the issue), and a delivery's
 * effects: its record, then its reply comment on that issue.
 */
export async function githubDelivery(ctx: ScenarioContext, save: Save): Promise<void> {
  const issue = 'acme/payments#7';
  const idempotencyKey = `github:${issue}:${randomUUID()}`;
  const reporter: Actor = { source: 'github', id: 'octocat', name: 'octocat' };
  const declared = await declareIncident(ctx, { idempotencyKey, title: 'Checkout returns 502', severity: 'SEV3', services: ['payments'], source: 'github', sourceRef: issue, reporter, linkIssue: issue });
  await save('declare-github-issue', `declare:${idempotencyKey}`);
  const deliveryId = randomUUID();
  const workflowId = `github-delivery:${deliveryId}`;
  const reply = { repo: 'acme/payments', number: 7, body: `<!-- firebreak:reply -->\n@octocat ${declared.key} declared` };
  await ctx.client.workflow.execute('githubDeliveryWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [{ deliveryId, event: 'issue_comment', result: 'ran declare', reply }] });
  await save('github-delivery', workflowId);
}

/** The test policy with resolved alert groups ending after 2 s, so the recorded run completes. */
export function alertsPolicy(policy: Policy): Policy {
  return { ...policy, alerts: { ...policy.alerts!, closeResolvedGroupsAfterSeconds: 2 } };
}

/** An Alertmanager group of two alerts: declared, re-sent unchanged, resolved, then ended. */
export async function alertGroup(ctx: ScenarioContext, save: Save): Promise<void> {
  const groupKey = '{}:{alertname="HighErrorRate", service="payments"}';
  const workflowId = alerts.alertGroupWorkflowId('alertmanager', groupKey);
  const labels = { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' };
  const alert = (fingerprint: string, status: 'firing' | 'resolved') => ({ fingerprint, status, labels: { ...labels, instance: fingerprint }, annotations: { summary: '5xx above 5%' } });
  const deliver = (status: 'firing' | 'resolved') =>
    ctx.client.workflow.signalWithStart('alertGroupWorkflow', {
      workflowId,
      taskQueue: ctx.taskQueue,
      args: [{ source: 'alertmanager', groupKey }],
      signal: alerts.alertDeliverySignal,
      signalArgs: [{ source: 'alertmanager', kind: 'alertmanager' as const, groupKey, commonLabels: labels, alerts: [alert('a1', status), alert('b2', status)], truncatedAlerts: 0 }],
    });
  const handle = ctx.client.workflow.getHandle(workflowId);
  const applied = (n: number) => until(`${n} deliveries applied`, async () => (await handle.query(alerts.alertGroupStateQuery)).deliveries === n);
  await deliver('firing');
  await applied(1);
  await deliver('firing');
  await applied(2);
  await deliver('resolved');
  await handle.result();
  await save('alert-group', workflowId);
}

/** The test policy with pages escalating after 1 s (SEV3) to payments' manager, then carol. */
export function escalationPolicy(policy: Policy): Policy {
  return { ...policy, paging: { ...policy.paging!, ackWithin: { SEV3: 1 }, escalation: { fallback: 'carol' } } };
}

/** A page nobody acknowledges: escalated to the owning team's manager, then the fallback, then done. */
export async function pageEscalation(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Refund emails bounce', 'SEV3');
  const dedupKey = `${key}:page:99`;
  const workflowId = pageEscalationWorkflowId(dedupKey, 'payments');
  const input: PageEscalationInput = { incident: key, service: 'payments', dedupKey, severity: 'SEV3', ackWithinSeconds: 1 };
  await ctx.client.workflow.execute('pageEscalationWorkflow', { taskQueue: ctx.taskQueue, workflowId, args: [input] });
  await save('page-escalation', workflowId);
}
