// The alert-group runs behind its patches (issue 15): a triage route accepted in Slack, an
// autoMitigate route whose alerts all resolve, and a maintenance window that holds a firing group
// until it ends. Each group routes to a service of its own, added to the test policy here, so one
// recording session's groups never attach to each other's incidents.

import { createSlackAlertTriageActivities } from '../../activities/slack/alert-triage.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import type { Database } from '../../db/client.js';
import type { AlertDelivery } from '../../domain/alerts/index.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { startSlackStandIn, VALID_TOKEN } from '../../test/standins/slack-api.js';
import * as alerts from '../../workflows/alert-group/messages.js';
import { until, type Save, type StandIn, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

export const TRIAGE_SERVICE = 'ledger';
export const MITIGATE_SERVICE = 'billing';
export const SUPPRESSED_SERVICE = 'invoices';

/**
 * The test policy with `service` routed from `service=<service>` (critical → SEV3: no page, and the
 * incident can close), resolved groups ending after 2 s, and the triage question asked in #incidents.
 */
export function alertBranchPolicy(policy: Policy, service: string, route: { action: 'declare' | 'triage'; autoMitigate?: boolean }): Policy {
  const routed = { match: [{ label: 'service', op: '=' as const, value: service }], service, severity: { critical: 'SEV3' as const }, ...route };
  return {
    ...policy,
    services: { ...policy.services, [service]: { repo: `acme/${service}`, slackChannel: '#incidents', owners: ['sre'] } },
    alerts: { ...policy.alerts!, routes: [routed, ...policy.alerts!.routes], suppress: [], closeResolvedGroupsAfterSeconds: 2 },
  };
}

/** The Slack outbound's triage activities against the Slack Web API stand-in: the question posted once, edited once. */
export async function startTriageSlack(db: Database): Promise<StandIn> {
  const slack = await startSlackStandIn();
  const api = createSlackApi(createSlackWebClient({ token: VALID_TOKEN, apiUrl: slack.apiUrl }));
  return {
    activities: createSlackAlertTriageActivities({ api, db, redactor: createRedactor(), logger: createLogger({ level: 'warn' }) }),
    verify() {
      const [posted, edited] = [slack.callsTo('chat.postMessage').length, slack.callsTo('chat.update').length];
      if (posted !== 1 || edited !== 1) throw new Error(`the triage question was meant to be posted and edited once (posted ${posted}, edited ${edited})`);
    },
    stop: () => slack.close(),
  };
}

/** One Alertmanager group of one alert for `service`: deliveries by signal-with-start, and its state. */
function alertGroupOf(ctx: ScenarioContext, service: string, alertname: string) {
  const groupKey = `{}:{alertname="${alertname}", service="${service}"}`;
  const workflowId = alerts.alertGroupWorkflowId('alertmanager', groupKey);
  const labels = { alertname, service, severity: 'critical' };
  const handle = ctx.client.workflow.getHandle(workflowId);
  const state = () => handle.query(alerts.alertGroupStateQuery);
  return {
    workflowId,
    handle,
    state,
    async deliver(status: 'firing' | 'resolved') {
      const delivery: AlertDelivery = {
        source: 'alertmanager',
        kind: 'alertmanager',
        groupKey,
        commonLabels: labels,
        alerts: [{ fingerprint: 'f1', status, labels: { ...labels, instance: 'f1' }, annotations: { summary: `${alertname} on ${service}` } }],
        truncatedAlerts: 0,
      };
      const before = await state().then((s) => s.deliveries, () => 0);
      await ctx.client.workflow.signalWithStart('alertGroupWorkflow', { workflowId, taskQueue: ctx.taskQueue, args: [{ source: 'alertmanager', groupKey }], signal: alerts.alertDeliverySignal, signalArgs: [delivery] });
      await until(`delivery ${before + 1} applied`, async () => (await state()).deliveries > before);
    },
    /** The incident the group declared, once it has. */
    incident: () => until('the group to declare', async () => (await state()).incident),
  };
}

/** A triage route: the question posted to Slack, accepted by alice, the declaration, then resolved and ended. */
export async function alertGroupTriage(ctx: ScenarioContext, save: Save): Promise<void> {
  const group = alertGroupOf(ctx, TRIAGE_SERVICE, 'LedgerLag');
  await group.deliver('firing');
  await until('the triage question', async () => (await group.state()).held?.triage?.status === 'pending');
  const decided = await group.handle.executeUpdate(alerts.decideTriageUpdate, { args: [{ decision: 'accept', actor: alice }] });
  if (decided.status !== 'accepted' || !decided.incident) throw new Error(`the triage was meant to be accepted: ${JSON.stringify(decided)}`);
  await group.deliver('resolved');
  await group.handle.result();
  await save('alert-group-triage', group.workflowId);
  await ctx.client.workflow.getHandle(`incident:${decided.incident}`).terminate('recorded');
}

/** An autoMitigate route: fired and declared, then resolved, and the incident marked mitigated. */
export async function alertGroupAutoMitigate(ctx: ScenarioContext, save: Save): Promise<void> {
  const group = alertGroupOf(ctx, MITIGATE_SERVICE, 'BillingErrors');
  await group.deliver('firing');
  const incident = await group.incident();
  await group.deliver('resolved');
  const ended = await group.handle.result();
  if (ended.mitigations !== 1) throw new Error(`the group was meant to mitigate its incident once: ${JSON.stringify(ended)}`);
  await save('alert-group-auto-mitigate', group.workflowId);
  await ctx.client.workflow.getHandle(`incident:${incident}`).terminate('recorded');
}

/**
 * A maintenance window of a few seconds, opened just before the group fires (in `policy`, which the
 * worker reads on each loadPolicy): the firing group is held, then declares when the window ends.
 */
export function alertGroupSuppressed(policy: Policy) {
  return async (ctx: ScenarioContext, save: Save): Promise<void> => {
    const now = Date.now();
    const window = { from: new Date(now - 60_000).toISOString(), to: new Date(now + 8_000).toISOString(), reason: 'invoice run migration' };
    policy.alerts!.suppress = [{ service: SUPPRESSED_SERVICE, maintenance: window }];
    const group = alertGroupOf(ctx, SUPPRESSED_SERVICE, 'InvoiceBacklog');
    await group.deliver('firing');
    const held = await group.state();
    if (!held.held?.suppression || held.incident !== undefined) throw new Error(`the window was meant to hold the group: ${JSON.stringify(held)}`);
    const incident = await group.incident();
    await group.deliver('resolved');
    await group.handle.result();
    await save('alert-group-suppressed', group.workflowId);
    await ctx.client.workflow.getHandle(`incident:${incident}`).terminate('recorded');
  };
}
