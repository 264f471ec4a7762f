import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubApi } from '../../activities/github/client.js';
import { createGitHubPostmortemPublisher } from '../../activities/github/postmortem-publisher.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { createSlackPostmortemNotifier } from '../../activities/slack/postmortem-notifier.js';
import { runCommand, type CommandContext } from '../../bots/commands/dispatch.js';
import { ensureSchedule } from '../../worker/schedules.js';
import { dashboardActionAdder } from '../../worker/dashboard-actions.js';
import { declareIncident, getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { actionItems, incidents, postmortems, timelineEvents } from '../../db/schema/index.js';
import { parseCommand } from '../../domain/commands/index.js';
import { postmortemWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import * as msg from '../../workflows/incident/messages.js';
import * as pm from '../../workflows/postmortem/messages.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

let system: TestSystem;
let slack: SlackStandIn;
let github: GitHubStandIn;

beforeAll(async () => {
  slack = await startSlackStandIn();
  github = await startGitHubStandIn();
  const logger = createLogger({ level: 'silent' });
  const web = createSlackWebClient({ token: VALID_TOKEN, apiUrl: slack.apiUrl });
  const gh = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: github.url }, { logger, paceWrites: false });
  const built: { system?: TestSystem } = {};
  system = await startTestSystem({
    postmortemNotifiers: [
      {
        name: 'slack',
        notify: (notice) => createSlackPostmortemNotifier({ api: createSlackApi(web), db: built.system!.database.db, logger }).notify(notice),
      },
    ],
    postmortemPublisher: {
      publishDocument: (i) => publisher().publishDocument(i),
      createActionIssue: (i) => publisher().createActionIssue(i),
      setIssueState: (i) => publisher().setIssueState(i),
    },
  });
  built.system = system;
  const publisher = () => createGitHubPostmortemPublisher({ api: gh, db: system.database.db, redactor: createRedactor(), logger });
});

afterAll(async () => {
  await system?.stop();
  await slack?.close();
  await github?.stop();
});

async function resolvedIncident(): Promise<string> {
  const { key } = await declareIncident(system, {
    idempotencyKey: `pm-test:${randomUUID()}`,
    title: 'Checkout returns 502',
    severity: 'SEV2',
    services: ['payments'],
    source: 'slack',
    reporter: alice,
  });
  await runIncidentUpdate(system, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
  await runIncidentUpdate(system, key, msg.markMitigatedUpdate, { actor: bob, text: 'Rolled back the deploy' });
  await runIncidentUpdate(system, key, msg.resolveUpdate, { actor: bob, text: 'Error rate back to normal' });
  return key;
}

function command(incident: string, actor: Actor, text: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const ctx: CommandContext = { ...system, actor, source: 'slack', incident, idempotencyKey: `test:${randomUUID()}`, db: system.database.db, policy: system.policy };
  return runCommand(ctx, parsed.command);
}

const dms = (user: string) =>
  slack.callsTo('chat.postMessage').filter((c) => {
    const opened = slack.callsTo('conversations.open').find((o) => (o.response.channel as { id: string }).id === c.args.channel);
    return opened?.args.users === user;
  });

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('postmortem workflow', () => {
  it('drafts on resolve with metrics from the timeline, refuses the owner as approver, publishes to GitHub and closes after the last action item', async () => {
    const key = await resolvedIncident();
    const row = await eventually(async () => {
      const [r] = await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key));
      return r;
    });
    const [incident] = await system.database.db.select().from(incidents).where(eq(incidents.key, key));
    const secs = (d: Date | null) => Math.round((d!.getTime() - incident!.declaredAt.getTime()) / 1000);
    expect(row).toMatchObject({ status: 'draft', owner: 'bob', team: 'payments' });
    expect(row.metrics).toEqual({
      timeToAcknowledgeSeconds: secs(incident!.acknowledgedAt),
      timeToMitigateSeconds: secs(incident!.mitigatedAt),
      timeToResolveSeconds: secs(incident!.resolvedAt),
    });
    // Due ten days (SEV2) after resolution.
    expect(row.dueAt.getTime() - incident!.resolvedAt!.getTime()).toBe(10 * 86_400_000);
    expect(row.document).toContain(`# Postmortem ${key}: Checkout returns 502`);
    expect(row.document).toContain('Rolled back the deploy');
    expect(row.document).toContain('Error rate back to normal');
    expect(row.document).toContain('## Root cause');
    // The owner heard about it privately.
    await eventually(async () => { expect(dms('U0BOB').some((c) => String(c.args.text).includes(`You own the postmortem of ${key}`))).toBe(true); return true; });

    // Only the owner (or their manager) submits; nobody approves their own postmortem.
    expect(await command(key, carol, 'postmortem publish')).toMatchObject({ ok: false, text: expect.stringContaining('Only the owner (bob)') });
    expect(await command(key, bob, 'postmortem approve')).toMatchObject({ ok: false, text: expect.stringContaining('still a draft') });
    expect(await command(key, bob, 'postmortem publish')).toMatchObject({ ok: true, text: expect.stringContaining('in review') });
    const file = () => github.file('acme/postmortems', `postmortems/${key}.md`);
    expect(file()?.content).toContain('**Status:** In review');
    expect(await command(key, bob, 'postmortem approve')).toMatchObject({ ok: false, text: expect.stringContaining('bob owns the postmortem') });

    // Two action items: one for bob, one far in the future for carol.
    const first = await command(key, bob, `action add fix the retry storm owner:@bob due:${isoDay(30)} priority:P1`);
    expect(first).toMatchObject({ ok: true, text: expect.stringMatching(/^ACT-\d+ added: fix the retry storm — owner bob/) });
    const second = await command(key, bob, `action add add a 502 alert owner:@carol due:${isoDay(60)}`);
    expect(second.ok).toBe(true);
    const items = await system.database.db.select().from(actionItems).where(eq(actionItems.incidentKey, key)).orderBy(actionItems.number);
    // Each item is filed against the incident's service, so the board's Service filter finds it.
    expect(items.map((i) => [i.owner, i.team, i.service, i.priority, i.status])).toEqual([
      ['bob', 'payments', 'payments', 'P1', 'open'],
      ['carol', 'sre', 'payments', 'P2', 'open'],
    ]);
    // Each has its issue in the service's repository, labelled and assigned.
    for (const item of items) {
      expect(item.issueRef).toMatch(/^acme\/payments#\d+$/);
      const issue = github.issue('acme/payments', Number(item.issueRef!.split('#')[1]));
      expect(issue?.labels).toEqual(['postmortem-action']);
      expect(issue?.title).toBe(`${item.key}: ${item.text}`);
    }

    expect(await command(key, carol, 'postmortem approve')).toMatchObject({ ok: true, text: expect.stringContaining('published, owner bob') });
    expect(file()?.content).toContain('**Status:** Published (approved by carol)');
    expect(file()?.content).toContain(items[0]!.key);

    // Done from Slack closes the GitHub issue; the postmortem stays open until the last item is done.
    expect(await command(key, bob, `action done ${items[0]!.key}`)).toMatchObject({ ok: true, text: expect.stringContaining('is done') });
    expect(github.issue('acme/payments', Number(items[0]!.issueRef!.split('#')[1]))?.state).toBe('closed');
    expect(await command(key, bob, `action done ${items[0]!.key}`)).toMatchObject({ ok: false, text: `${items[0]!.key} is already done.` });
    const handle = system.client.workflow.getHandle(postmortemWorkflowId(key));
    expect((await handle.query(pm.postmortemStateQuery)).status).toBe('published');

    // The last item done, from GitHub this time (as the issue webhook reports it).
    await handle.executeUpdate(pm.setActionStatusUpdate, { args: [{ actor: { source: 'github', id: 'carol-gh' }, item: items[1]!.key, status: 'done', via: 'github' }] });
    await eventually(async () => {
      const [closed] = await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key));
      return closed?.status === 'closed';
    });
    // The incident leaves its postmortem phase and closes.
    await eventually(async () => (await getIncidentView(system, key)).phase === 'closed', 30_000, 'the incident to close');
    const texts = (await system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key))).map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining([expect.stringContaining('approved by carol'), expect.stringContaining('every action item is done')]));
  });

  it('keeps the postmortem and action items of a private incident off GitHub (no private repository in the policy)', async () => {
    const { key } = await declareIncident(system, {
      idempotencyKey: `pm-test:${randomUUID()}`,
      title: 'Payroll export sent to the wrong bank',
      severity: 'SEV2',
      services: ['payments'],
      source: 'slack',
      reporter: alice,
      private: true,
    });
    await runIncidentUpdate(system, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
    await runIncidentUpdate(system, key, msg.resolveUpdate, { actor: bob, text: 'Recalled the file' });
    await eventually(async () => (await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key)))[0], 30_000, 'the draft');
    expect(await command(key, bob, 'postmortem publish')).toMatchObject({ ok: true, text: expect.stringContaining('in review') });
    const added = await command(key, bob, `action add rotate the export key owner:@bob due:${isoDay(30)}`);
    expect(added.ok).toBe(true);
    // The item's timeline row is written after its (absent) issue was decided: nothing was asked of GitHub.
    const [item] = await system.database.db.select().from(actionItems).where(eq(actionItems.incidentKey, key)).orderBy(actionItems.number);
    expect(item).toMatchObject({ issueRef: null, issueUrl: null });
    expect(github.file('acme/postmortems', `postmortems/${key}.md`)).toBeUndefined();
    expect(github.calls.filter((c) => c.method !== 'GET' && JSON.stringify(c.body ?? '').includes(key))).toEqual([]);
  });

  it('an owner who hands the postmortem on during its review still cannot approve it', async () => {
    const key = await resolvedIncident();
    await eventually(async () => (await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key)))[0]);
    expect(await command(key, bob, 'postmortem publish')).toMatchObject({ ok: true, text: expect.stringContaining('in review') });
    // The walk-around: bob gives the postmortem to carol while it is in review, then approves.
    expect(await command(key, bob, 'postmortem owner:@carol')).toMatchObject({ ok: true });
    expect(await command(key, bob, 'postmortem approve')).toMatchObject({ ok: false, text: expect.stringContaining('bob owned the postmortem') });
    expect(await command(key, carol, 'postmortem approve')).toMatchObject({ ok: false, text: expect.stringContaining('carol owns the postmortem') });
    const [row] = await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key));
    expect(row).toMatchObject({ status: 'in_review', owner: 'carol' });
    expect(await command(key, alice, 'postmortem approve')).toMatchObject({ ok: true });
  });

  it('reminds the owner of an overdue item, then escalates to the team manager', async () => {
    const key = await resolvedIncident();
    await eventually(async () => {
      const [r] = await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key));
      return r;
    });
    const added = await command(key, carol, `action add rotate the leaked token owner:@bob due:${isoDay(-1)}`);
    expect(added.ok).toBe(true);
    const item = added.text.split(' ')[0]!;
    // Overdue at once: bob is told; after escalateAfter (10 s in the test policy) alice, payments' manager.
    await eventually(async () => { expect(dms('U0BOB').some((c) => String(c.args.text).includes(`${item} "rotate the leaked token"`) && String(c.args.text).includes('overdue'))).toBe(true); return true; });
    // The order (overdue notice, then escalation) is checked on the timeline below: reading alice's
    // DMs at this point raced the escalation on a loaded machine (CI saw it already sent).
    await eventually(async () => dms('U0ALICE').some((c) => new RegExp(`Escalation: ${item}\\b`).test(String(c.args.text))), 40_000, 'the escalation DM');
    const [row] = await system.database.db.select().from(actionItems).where(eq(actionItems.key, item));
    expect(row?.remindedAt).not.toBeNull();
    expect(row?.escalatedAt).not.toBeNull();
    const texts = (await system.database.db.select().from(timelineEvents).where(eq(timelineEvents.incidentKey, key))).map((t) => t.text);
    // Already overdue when added: no "due soon" reminder, one overdue notice, one escalation.
    expect(texts.filter((t) => t.includes(`${item} "rotate the leaked token"`)).map((t) => (t.includes('escalated') ? 'escalated' : t.includes('overdue') ? 'overdue' : t))).toEqual(['overdue', 'escalated']);
  });

  it('refuses action items with a bad date or an unknown owner, and before there is a postmortem', async () => {
    const { key } = await declareIncident(system, { idempotencyKey: `pm-test:${randomUUID()}`, title: 'Slow search', severity: 'SEV3', services: ['payments'], source: 'slack', reporter: alice });
    expect(await command(key, bob, `action add fix it owner:@bob due:${isoDay(3)}`)).toMatchObject({ ok: false, text: expect.stringContaining(`${key} has no postmortem yet`) });
    expect(await command(key, bob, 'postmortem')).toMatchObject({ ok: false, text: expect.stringContaining('starts once it is resolved') });
    const resolved = await resolvedIncident();
    await eventually(async () => { expect((await command(resolved, bob, 'postmortem')).text).toContain(`Postmortem of ${resolved}: draft`); return true; });
    expect(() => command(resolved, bob, 'action add fix it owner:@bob due:2026-02-30')).toThrow('is not a real date');
    expect(await command(resolved, bob, `action add fix it owner:@nobody due:${isoDay(3)}`)).toMatchObject({ ok: false, text: expect.stringContaining('nobody is not in any team') });
    // The dashboard's form acts as the signed-in person; the shared token names nobody.
    const add = dashboardActionAdder(system, () => system.policy);
    const form = { incidentKey: resolved, text: 'page the DBA on replica lag', owner: 'carol', dueDate: isoDay(9), priority: 'P3' as const };
    const added = await add({ ...form, requestedBy: 'alice' });
    expect(added).toEqual({ key: expect.stringMatching(/^ACT-\d+$/) });
    const [row] = await system.database.db.select().from(actionItems).where(eq(actionItems.key, (added as { key: string }).key));
    expect(row).toMatchObject({ owner: 'carol', team: 'sre', priority: 'P3', createdBy: { source: 'slack', id: 'U0ALICE', name: 'alice' } });
    expect(await add({ ...form, requestedBy: 'token' })).toEqual({ error: expect.stringContaining('Sign in with Slack to add action items') });
  });

  it('sends each team manager a weekly digest from the schedule, listing overdue items by owner', async () => {
    const key = await resolvedIncident();
    await eventually(async () => (await system.database.db.select().from(postmortems).where(eq(postmortems.incidentKey, key))).length > 0);
    const added = await command(key, bob, `action add document the failover owner:@bob due:${isoDay(-3)}`);
    const item = added.text.split(' ')[0]!;
    const scheduleId = `test-digest-${randomUUID()}`;
    expect(await ensureSchedule(system.client, 'digest', system.taskQueue, scheduleId)).toBe('created');
    expect(await ensureSchedule(system.client, 'digest', system.taskQueue, scheduleId)).toBe('updated');
    const schedule = system.client.schedule.getHandle(scheduleId);
    try {
      expect((await schedule.describe()).spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'MONDAY' }], hour: [{ start: 9 }] });
      await schedule.trigger();
      const digest = await eventually(async () => dms('U0ALICE').find((c) => String(c.args.text).includes('Weekly digest for team payments')), 30_000, 'the payments digest');
      const text = String(digest.args.text);
      expect(text).toMatch(/• bob: \d+ open, \d+ overdue/);
      expect(text).toContain(`OVERDUE 3d: ${item} document the failover (${key}`);
      expect(text).toContain('*Incidents this week*');
      // carol manages sre; her digest is hers alone.
      await eventually(async () => dms('U0CAROL').some((c) => String(c.args.text).includes('Weekly digest for team sre')), 30_000, 'the sre digest');
    } finally {
      await schedule.delete();
    }
  });
});
