// What happens when every alert of a group resolves, with a real Alertmanager delivering to the
// alerts front-end and the real Slack app (Bolt behind the HTTP server) against the Slack stand-in:
// the commander is asked in the incident channel with a Mark mitigated button that goes through
// the decision point like the summary's; a route with autoMitigate marks the incident mitigated
// itself, saying so and naming the route; and a flapping alert stays one group and one incident.

import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsInbound } from '../../bots/alerts/integration.js';
import { getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { auditLog, incidents, timelineEvents } from '../../db/schema/index.js';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';
import type { Config } from '../../platform/config/index.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { alertGroupStateQuery, type AlertGroupView } from '../../workflows/alert-group/messages.js';
import { ALERTMANAGER_TOKEN, alertsTestPolicy, startAlertmanager, type Alertmanager } from '../helpers/alertmanager.js';
import { blockAction } from '../helpers/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-system.js';
import { eventually } from '../helpers/system.js';
import { testLogger } from '../helpers/test-log.js';

const WAIT_MS = 30_000;
const CAROL = { user: 'U0CAROL', userName: 'carol' };
// In no team of the test policy: a guest, whom the default `guests.may` does not let mitigate.
const DAVE = { user: 'U0DAVE', userName: 'dave' };

let h: SlackHarness;
let http: RunningServer;
let am: Alertmanager;
const id = randomUUID().slice(0, 8);
// Routed from `service=<name>`: alerts.routes[0] asks, alerts.routes[1] mitigates by itself.
const asking = `resolving-${id}`;
const automatic = `automitigating-${id}`;

beforeAll(async () => {
  const policy = alertsTestPolicy(asking, automatic);
  policy.alerts!.routes[1]!.autoMitigate = true;
  h = await startSlackHarness({ policy });
  const { system } = h;
  const inbound = createAlertsInbound(
    { config: {} as Config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger: testLogger() },
    { ...process.env, FIREBREAK_TEST_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN },
  )!;
  http = await startHttpServer({ port: 0, host: '127.0.0.1', logger: testLogger(), routes: inbound.routes });
  am = await startAlertmanager(`${http.url}/alerts/alertmanager`);
});
afterAll(async () => {
  await am?.stop();
  await http?.close();
  await h?.stop();
});

const db = () => h.system.database.db;

function alerts(name: string, service: string, instances: string[], resolved = false) {
  return instances.map((instance) => ({ labels: { alertname: name, service, severity: 'critical', instance }, resolved }));
}

type Element = { action_id?: string; value?: string; style?: string };
type Message = { ts: string; text: string; blocks?: Array<{ type: string; block_id?: string; elements?: Element[] }> };

const messages = (channel: string) => (h.slack.state.channels.get(channel)?.messages ?? []) as Message[];
const isQuestion = (m: Message) => m.blocks?.some((b) => b.block_id?.startsWith('alerts_resolved:')) ?? false;
const questions = (channel: string) => messages(channel).filter(isQuestion);
const allResolvedMessages = (channel: string) => messages(channel).filter((m) => m.text.includes('of this group are resolved'));

/** The one incident declared for `service`, and its channel. */
async function incidentOf(service: string): Promise<{ key: string; channel: string; group: string }> {
  const row = await eventually(async () => {
    const rows = await db().select().from(incidents).where(eq(incidents.source, 'alerts'));
    const mine = rows.filter((r) => r.services.includes(service));
    if (mine.length > 1) throw new Error(`${mine.length} incidents for ${service}`);
    return mine[0];
  }, WAIT_MS, `the incident of ${service}`);
  const link = await eventually(async () => findLink(db(), row.key, 'slack-channel'), WAIT_MS, 'the incident channel');
  return { key: row.key, channel: link.externalId, group: row.sourceRef! };
}

const group = (workflowId: string) => h.system.client.workflow.getHandle(workflowId).query(alertGroupStateQuery);

/** Waits until the group has applied a delivery in which every alert has `status`. */
async function groupSees(workflowId: string, status: 'firing' | 'resolved'): Promise<AlertGroupView> {
  return eventually(async () => {
    const view = await group(workflowId);
    return view.alerts.length > 0 && view.alerts.every((a) => a.status === status) ? view : undefined;
  }, WAIT_MS, `the group to see its alerts ${status}`);
}

const notes = async (incident: string, start: string) =>
  (await db().select().from(timelineEvents).where(eq(timelineEvents.incidentKey, incident))).filter((e) => e.text.startsWith(start));
const phaseOf = async (incident: string) => (await getIncidentView(h.system, incident)).phase;

async function click(who: { user: string; userName: string }, value: string, channel: string): Promise<string> {
  const replyId = `click-${randomUUID()}`;
  const response = await h.post(blockAction({ actionId: ACTION_IDS.mitigated, value, ...who, channel, responseUrl: h.slack.responseUrl(replyId) }));
  expect(response.status).toBe(200);
  return replyId;
}

describe('when every alert of a group resolves', () => {
  const name = `QueueBacklog${id}`;
  let incident: { key: string; channel: string; group: string };

  it('asks the commander, by mention, with a Mark mitigated button in the incident channel', async () => {
    await am.fire(alerts(name, asking, ['a', 'b']));
    incident = await incidentOf(asking);
    const ack = await h.post(blockAction({ actionId: ACTION_IDS.acknowledge, value: incident.key, ...CAROL, channel: incident.channel, responseUrl: h.slack.responseUrl(`ack-${id}`) }));
    expect(ack.status).toBe(200);
    // Taking command records the role, then the acknowledgement that starts mitigation: a query may
    // land between the two, so wait for both.
    await eventually(async () => {
      const view = await getIncidentView(h.system, incident.key);
      return view.roles.commander?.id === 'U0CAROL' && view.phase === 'mitigating';
    }, WAIT_MS, 'carol in command, mitigating');

    await am.fire(alerts(name, asking, ['a', 'b'], true));
    const [question] = await eventually(async () => questions(incident.channel).length > 0 && questions(incident.channel), WAIT_MS, 'the all-resolved question');
    expect(question!.text).toMatch(/^:white_check_mark: All 2 alerts of this group are resolved\./);
    expect(question!.text).toContain(`<@U0CAROL>, is ${incident.key} mitigated?`);
    const button = question!.blocks!.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_IDS.mitigated);
    expect(button).toMatchObject({ value: incident.key, style: 'primary' });
    // Asking is all it does.
    expect(await phaseOf(incident.key)).toBe('mitigating');
  });

  it('keeps a flapping alert in one group and one incident, and asks again only after the next full resolution', async () => {
    const { runId } = await h.system.client.workflow.getHandle(incident.group).describe();
    await am.fire(alerts(name, asking, ['a']));
    await eventually(async () => (await group(incident.group)).alerts.some((a) => a.status === 'firing'), WAIT_MS, 'alert a firing again');
    await eventually(async () => (await notes(incident.key, `Alert ${name} fired again`)).length === 1, WAIT_MS, 'the fired-again note');
    expect(await notes(incident.key, 'All 2 alerts of this group are resolved.')).toHaveLength(1);
    expect(questions(incident.channel)).toHaveLength(1);

    await am.fire(alerts(name, asking, ['a'], true));
    await groupSees(incident.group, 'resolved');
    await eventually(async () => (await notes(incident.key, 'All 2 alerts of this group are resolved.')).length === 2, WAIT_MS, 'the second all-resolved note');
    await eventually(async () => questions(incident.channel).length === 2, WAIT_MS, 'the second question');
    // One workflow run throughout, one incident, and the group noted each change once.
    expect((await h.system.client.workflow.getHandle(incident.group).describe()).runId).toBe(runId);
    expect((await incidentOf(asking)).key).toBe(incident.key);
    expect(await notes(incident.key, `Alert ${name} resolved`)).toHaveLength(3);
    expect(await group(incident.group)).toMatchObject({ incident: incident.key, resolvedNoted: true });
  });

  it('changes nothing when a guest clicks the button', async () => {
    const replyId = await click(DAVE, incident.key, incident.channel);
    const refusal = await eventually(async () => h.replies(replyId)[0], WAIT_MS, 'the refusal');
    expect(refusal).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.text)).toMatch(/^slack:U0DAVE is not in any team of the policy, so Firebreak does not let them mark incidents mitigated/);
    expect(await phaseOf(incident.key)).toBe('mitigating');
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.subject, incident.key), eq(auditLog.action, 'incident.mitigated')));
    expect(audits).toEqual([]);
  });

  it('moves the incident to monitoring when the commander clicks it', async () => {
    const replyId = await click(CAROL, incident.key, incident.channel);
    await eventually(async () => (await phaseOf(incident.key)) === 'monitoring', WAIT_MS, 'monitoring');
    expect(h.replies(replyId)).toEqual([]);
    const [audit, ...more] = await db().select().from(auditLog).where(and(eq(auditLog.subject, incident.key), eq(auditLog.action, 'incident.mitigated')));
    expect(more).toEqual([]);
    expect(audit!.actor).toMatchObject({ source: 'slack', id: 'U0CAROL' });
  });
});

describe('a route with autoMitigate', () => {
  it('marks the incident mitigated when its alerts resolve, naming the route, and asks nothing', async () => {
    const name = `CacheMisses${id}`;
    await am.fire(alerts(name, automatic, ['a']));
    const incident = await incidentOf(automatic);
    await eventually(async () => (await notes(incident.key, `Alert ${name} firing`)).length === 1, WAIT_MS, 'the firing note');
    expect(['triage', 'mitigating']).toContain(await phaseOf(incident.key));

    await am.fire(alerts(name, automatic, ['a'], true));
    await eventually(async () => (await phaseOf(incident.key)) === 'monitoring', WAIT_MS, 'monitoring');
    const view = await getIncidentView(h.system, incident.key);
    const entry = view.timeline.find((e) => e.kind === 'phase' && e.text.startsWith('Auto-mitigated'))!;
    expect(entry.text).toContain(`alerts.routes[1] (service ${automatic}) has autoMitigate: true`);
    expect(entry.actor).toMatchObject({ source: 'system' });
    await eventually(async () => messages(incident.channel).some((m) => m.text.startsWith('Auto-mitigated')), WAIT_MS, 'the line in the channel');
    expect(questions(incident.channel)).toEqual([]);
    expect(await notes(incident.key, 'All 1 alert of this group are resolved.')).toEqual([]);
    expect(await group(incident.group)).toMatchObject({ mitigations: 1, resolvedNoted: true });
  });

  it('only notes, without a button, when the incident is already monitoring', async () => {
    const name = `CacheEvictions${id}`;
    await am.fire(alerts(name, automatic, ['a']));
    // The open incident of the service takes this group too.
    const incident = await incidentOf(automatic);
    await eventually(async () => (await notes(incident.key, `Alert ${name} firing`)).length === 1, WAIT_MS, 'the second group on the same incident');
    expect(await phaseOf(incident.key)).toBe('monitoring');

    await am.fire(alerts(name, automatic, ['a'], true));
    await eventually(async () => allResolvedMessages(incident.channel).length === 1, WAIT_MS, 'the all-resolved line');
    expect(await notes(incident.key, 'All 1 alert of this group are resolved.')).toHaveLength(1);
    expect(questions(incident.channel)).toEqual([]);
    expect(allResolvedMessages(incident.channel)[0]!.blocks).toBeUndefined();
    expect(await phaseOf(incident.key)).toBe('monitoring');
  });
});
