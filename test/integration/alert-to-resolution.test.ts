// Issue 15's whole path, end to end, with every part real but the SaaS: Prometheus Alertmanager
// groups a firing alert and delivers it → the alert group declares an incident → PagerDuty is
// triggered → the commander takes command in Slack (PagerDuty acknowledge) → a public update goes
// out through Slack's confirm step → the alert resolves in Alertmanager → the commander confirms
// mitigation → the incident resolves (PagerDuty resolve) and so does its public incident.
// Asserted on the rows, the workflows' state, the stand-ins' calls and the /status pages.

import { and, arrayContains, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { auditLog, incidents, timelineEvents } from '../../db/schema/index.js';
import { ACTION_IDS, STATUSPAGE_ACTION_IDS } from '../../domain/slack/action-ids.js';
import type { StatusPageView } from '../../web/status/data.js';
import { alertGroupStateQuery, type AlertGroupView } from '../../workflows/alert-group/messages.js';
import { E2E_ROUTING_KEY, startAlertLifecycleEnv, type AlertLifecycleEnv } from '../helpers/alert-lifecycle.js';
import { blockAction } from '../helpers/slack-requests.js';
import { eventually } from '../helpers/system.js';
import { timelineNotes } from '../helpers/timeline.js';

let env: AlertLifecycleEnv;
beforeAll(async () => {
  env = await startAlertLifecycleEnv();
});
afterAll(async () => {
  await env?.stop();
});

const ALICE = { user: 'U0ALICE', userName: 'alice' };
const db = () => env.slack.system.database.db;

type Element = { action_id?: string; value?: string };
type Message = { ts: string; text: string; blocks?: Array<{ type: string; elements?: Element[] }> };

function messages(channel: string): Message[] {
  return (env.slack.slack.state.channels.get(channel)?.messages ?? []) as Message[];
}

/** The value of the newest button `actionId` in the channel whose message matches `where`. */
function button(channel: string, actionId: string, where: (m: Message) => boolean = () => true): string | undefined {
  for (const m of [...messages(channel)].reverse()) {
    if (!where(m)) continue;
    const found = m.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
    if (found?.value !== undefined) return found.value;
  }
  return undefined;
}

/** Clicks as alice; returns the id the click's response_url answers are filed under. */
async function click(actionId: string, value: string, channel: string): Promise<string> {
  const id = `click-${Date.now()}-${Math.random()}`;
  expect((await env.slack.post(blockAction({ actionId, value, ...ALICE, channel, responseUrl: env.slack.slack.responseUrl(id) }))).status).toBe(200);
  return id;
}

/** A summary button answers only when it is refused: what it answered, for the assertion message. */
const refusals = (clickId: string) => env.slack.replies(clickId).map((r) => String(r.text));

async function say(text: string, channel: string): Promise<Record<string, unknown>> {
  const { response, replyId } = await env.slack.command(text, { ...ALICE, channel });
  expect(response.status).toBe(200);
  return eventually(async () => env.slack.replies(replyId)[0], 20_000, `the answer to "${text}"`);
}

/** Clicks the Post button of a preview (Slack's confirm step) and checks what it answered. */
async function post(preview: Record<string, unknown>, channel: string): Promise<void> {
  const value = (preview.blocks as Array<{ type: string; elements?: Element[] }>)
    .find((b) => b.type === 'actions')!
    .elements!.find((e) => e.action_id === STATUSPAGE_ACTION_IDS.post)!.value!;
  const id = await click(STATUSPAGE_ACTION_IDS.post, value, channel);
  const answer = await eventually(async () => env.slack.replies(id)[0], 20_000, 'the answer to Post');
  expect(String(answer.text)).toMatch(/^(Opened|Resolved) (a|the) public incident/);
}

const phaseOf = async (key: string) => (await getIncidentView(env.slack.system, key)).phase;

describe('from a firing alert to a resolved incident and public page', () => {
  it('declares, pages, acknowledges, publishes, resolves the alerts, mitigates and resolves, each once', async () => {
    const { service, component, pd } = env;
    const labels = { alertname: 'StorefrontErrors', service, severity: 'critical' };

    // 1. Alertmanager groups the firing alert and delivers it: one incident for the group.
    await env.alertmanager.fire([{ labels, annotations: { summary: 'Checkout error rate above 5%' } }]);
    const [incident] = await eventually(async () => {
      const rows = await db().select().from(incidents).where(arrayContains(incidents.services, [service]));
      return rows.length > 0 ? rows : undefined;
    }, 30_000, 'the incident declared from the alert');
    const key = incident!.key;
    expect(incident).toMatchObject({ severity: 'SEV2', source: 'alerts' });
    const groupId = incident!.sourceRef!;
    expect(groupId).toMatch(/^alert-group:alertmanager:/);

    // 2. Its Slack channel has the pinned summary; PagerDuty got one trigger for the incident.
    const channel = (await eventually(async () => findLink(db(), key, 'slack-channel'), 30_000, 'the incident channel')).externalId;
    const summaryTs = await eventually(async () => [...(env.slack.slack.state.channels.get(channel)?.pins ?? [])][0], 30_000, 'the pinned summary');
    const trigger = await eventually(async () => pd.accepted({ dedupKey: key, action: 'trigger' })[0], 30_000, 'the PagerDuty trigger');
    expect(trigger).toMatchObject({ routing_key: E2E_ROUTING_KEY, payload: { severity: 'error', source: 'firebreak' } });
    expect(String((trigger.payload as { summary: string }).summary)).toContain(key);

    // 3. Alice takes command from the summary's button: the incident is acknowledged, and so is the page.
    const take = button(channel, ACTION_IDS.acknowledge, (m) => m.ts === summaryTs)!;
    const took = await click(ACTION_IDS.acknowledge, take, channel);
    await eventually(async () => pd.accepted({ dedupKey: key, action: 'acknowledge' }).length === 1, 30_000, 'the PagerDuty acknowledge');
    expect(refusals(took)).toEqual([]);
    const acked = await getIncidentView(env.slack.system, key);
    expect(acked.roles.commander).toMatchObject({ id: 'U0ALICE' });
    expect(acked.acknowledgedAt).toBeDefined();

    // 4. A public incident, through the confirm step; /status shows it.
    await post(await say(`statuspage open component:${component} status:major Checkout fails for some customers; we are investigating.`, channel), channel);
    expect(await readPublicIncident(db(), key)).toMatchObject({ status: 'open', components: { [component]: 'major' } });
    const open = JSON.parse((await env.get('/status.json')).body) as StatusPageView;
    expect(open.openIncidents.find((i) => i.id === key)).toBeDefined();
    expect((await env.get('/status')).body).toContain('Checkout fails for some customers; we are investigating.');

    // 5. The alert resolves in Alertmanager: the group knows, the timeline says so, nothing is resolved by itself.
    await env.alertmanager.fire([{ labels, resolved: true }]);
    const group = await eventually(async () => {
      const view = await env.slack.system.client.workflow.getHandle(groupId).query<AlertGroupView>(alertGroupStateQuery);
      return view.alerts.length > 0 && view.alerts.every((a) => a.status === 'resolved') ? view : undefined;
    }, 30_000, 'the alert group to see its alerts resolved');
    expect(group).toMatchObject({ incident: key, attached: false });
    await eventually(async () => (await notes(key)).some((t) => t.startsWith('All 1 alert of this group are resolved')), 30_000, 'the all-resolved note');
    expect(await phaseOf(key)).not.toBe('monitoring');

    // 6. The commander confirms mitigation with the button of the question the resolution asked.
    const mitigate = await eventually(async () => button(channel, ACTION_IDS.mitigated, (m) => m.ts !== summaryTs && m.text.includes('<@U0ALICE>')), 30_000, 'the mitigated question');
    const mitigated = await click(ACTION_IDS.mitigated, mitigate, channel);
    await eventually(async () => (await phaseOf(key)) === 'monitoring', 30_000, 'monitoring');
    expect(refusals(mitigated)).toEqual([]);

    // 7. Resolve: PagerDuty resolves the page; the public incident is resolved through the confirm step.
    const resolved = await click(ACTION_IDS.resolve, button(channel, ACTION_IDS.resolve, (m) => m.ts === summaryTs)!, channel);
    await eventually(async () => (await phaseOf(key)) === 'resolved', 30_000, 'resolved');
    expect(refusals(resolved)).toEqual([]);
    await eventually(async () => pd.accepted({ dedupKey: key, action: 'resolve' }).length === 1, 30_000, 'the PagerDuty resolve');
    // Resolving asks whether to resolve the public incident too; its button shows the text first.
    const question = await eventually(async () => button(channel, STATUSPAGE_ACTION_IDS.resolvePublic), 30_000, 'the public incident question');
    const asked = await click(STATUSPAGE_ACTION_IDS.resolvePublic, question, channel);
    const preview = await eventually(async () => env.slack.replies(asked)[0], 20_000, 'the public resolve preview');
    expect(String(preview.text)).toContain('This incident has been resolved.');
    expect((await readPublicIncident(db(), key))!.status).toBe('open');
    await post(preview, channel);

    const publicIncident = (await readPublicIncident(db(), key))!;
    expect(publicIncident).toMatchObject({ status: 'resolved', components: { [component]: 'operational' } });
    expect(publicIncident.updates.map((u) => u.verb)).toEqual(['resolve', 'open']);
    const after = JSON.parse((await env.get('/status.json')).body) as StatusPageView;
    expect(after.openIncidents.some((i) => i.id === key)).toBe(false);
    expect(after.components.find((c) => c.name === component)).toMatchObject({ status: 'operational' });
    const html = (await env.get('/status')).body;
    expect(html).toContain('This incident has been resolved.');

    // Each PagerDuty action exactly once for the incident's alert, and nothing else sent for it.
    expect(pd.calls.filter((c) => c.body.dedup_key === key && c.status === 202).map((c) => c.body.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    // One incident for the group, its lifecycle on the timeline in order, and on the audit log.
    expect(await db().select().from(incidents).where(arrayContains(incidents.services, [service]))).toHaveLength(1);
    const phases = (await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'phase'))).orderBy(asc(timelineEvents.id))).map((r) => r.text);
    expect(phases.join(' | ')).toMatch(/Triage started.*mitigated.*[Rr]esolved/);
    const audited = (await db().select().from(auditLog).where(eq(auditLog.subject, key)).orderBy(asc(auditLog.seq))).map((r) => r.action);
    // Taking command is a role change that starts mitigation; nothing happened twice.
    expect(audited).toEqual(['incident.declare', 'incident.start_triage', 'incident.role', 'incident.start_mitigation', 'statuspage.open', 'incident.mitigated', 'incident.resolve', 'statuspage.resolve']);
  });
});

const notes = (incident: string) => timelineNotes(db(), incident);
