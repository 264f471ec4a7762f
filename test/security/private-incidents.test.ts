// Private incidents (issue 17 §1) on the real stack: Slack and GitHub stand-ins around a real
// worker, the dashboard over HTTP, Postgres. A private incident must be absent from every public
// path (announcement channel, digest, GitHub, dashboard list and CSV for a non-member, status
// page); people outside it cannot add anyone; making it public again is the commander's call; and
// every dashboard read of it leaves an audit row. Each "nothing happened" waits for a later known
// event of the same incident first (its notices are delivered in order), then counts.

import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView, incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import { chartSeries, teamDigest } from '../../db/queries/dashboard.js';
import { incidentMetrics } from '../../db/queries/dashboard-metrics.js';
import { findLink } from '../../db/queries/links.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { actionItems, auditLog, processedRequests, timelineEvents } from '../../db/schema/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { Policy } from '../../domain/policy/index.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { dashboardRoutes } from '../../web/routes.js';
import { newSession, sealSession, SESSION_COOKIE, sessionKeys } from '../../web/session.js';
import * as msg from '../../workflows/incident/messages.js';
import { startSlackGitHubSystem, type SlackGitHubSystem } from '../helpers/slack-github-system.js';
import { eventually, loadTestPolicy } from '../helpers/system.js';
import { testLogger } from '../helpers/test-log.js';

const SESSION_SECRET = 'private-incidents-dashboard-session-secret';
const policy: Policy = { ...loadTestPolicy(), privateIncidents: { members: ['person:carol'], includeInMetrics: false } };
const ALICE = { user: 'U0ALICE', userName: 'alice' };
const BOB = { user: 'U0BOB', userName: 'bob' };
const CAROL = { user: 'U0CAROL', userName: 'carol' };
const DAVE = { user: 'U0DAVE', userName: 'dave' };

let env: SlackGitHubSystem;
let dashboard: RunningServer;
/** What the dashboard's action-item form handed on to the postmortem workflow. */
const added: Array<{ incidentKey: string; requestedBy: string }> = [];
const db = () => env.system.database.db;

beforeAll(async () => {
  env = await startSlackGitHubSystem({ policy });
  dashboard = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: testLogger(),
    routes: dashboardRoutes({
      db: db(),
      policy,
      redactor: createRedactor(),
      logger: testLogger(),
      token: 'private-incidents-dashboard-token',
      slack: { clientId: 'client', clientSecret: 'secret', apiUrl: 'http://127.0.0.1:9/' },
      publicUrl: 'https://firebreak.example.test',
      sessionSecret: SESSION_SECRET,
      addActionItem: async (input) => (added.push(input), { key: `ACT-${990_000 + added.length}` }),
    }),
  });
});
afterAll(async () => {
  await dashboard?.close();
  await env?.stop();
});

/** GET as a person signed in with Slack (their policy name). */
async function browse(person: string, path: string): Promise<Response> {
  const cookie = sealSession(sessionKeys(SESSION_SECRET), newSession(person, 'slack', Date.now(), 3600));
  return fetch(`${dashboard.url}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
}

/** POSTs the new-action-item form as a person signed in with Slack, or with the shared token. */
async function addAction(person: string | 'token', incident: string): Promise<Response> {
  const session = newSession(person, 'slack', Date.now(), 3600);
  const auth = person === 'token' ? { authorization: 'Bearer private-incidents-dashboard-token' } : { cookie: `${SESSION_COOKIE}=${sealSession(sessionKeys(SESSION_SECRET), session)}` };
  const body = new URLSearchParams({ csrf: person === 'token' ? '' : session.csrf, text: 'Rotate the export key', owner: 'alice', due: '2099-01-01', priority: 'P2' });
  return fetch(`${dashboard.url}/incidents/${incident}/actions`, { method: 'POST', redirect: 'manual', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body });
}

async function declare(text: string, who = ALICE): Promise<{ incident: string; channel: string }> {
  const reply = await env.command(text, who);
  const incident = /(INC-\d+)/.exec(reply)?.[1];
  if (!incident) throw new Error(`no incident in "${reply}"`);
  const channel = (await eventually(async () => findLink(db(), incident, 'slack-channel'), 20_000, `${incident}'s channel`)).externalId;
  return { incident, channel };
}

/** Every integration has handled the incident's notice `seq` (so whatever it would announce or mirror, it has). */
async function delivered(incident: string, seq: number): Promise<void> {
  for (const notifier of ['slack', 'github']) {
    await eventually(async () => (await db().select().from(processedRequests).where(eq(processedRequests.key, `notify:${notifier}:${incident}:${seq}`)))[0], 30_000, `${notifier} notice ${incident}:${seq}`);
  }
}

const mentions = (value: unknown, incident: string) => new RegExp(`\\b${incident}\\b`).test(JSON.stringify(value ?? ''));

async function auditRows(incident: string, action: string) {
  return db().select().from(auditLog).where(and(eq(auditLog.subject, incident), eq(auditLog.action, action))).orderBy(asc(auditLog.seq));
}

async function privacyEvents(incident: string) {
  return db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'privacy'))).orderBy(asc(timelineEvents.id));
}

async function seedActionItem(incident: string): Promise<string> {
  const number = 970_000 + Math.floor(Math.random() * 29_000);
  const key = `ACT-${number}`;
  await db().insert(actionItems).values({
    key,
    number,
    incidentKey: incident,
    text: `Follow-up for ${incident}`,
    owner: 'alice',
    team: 'payments',
    service: 'payments',
    priority: 'P2',
    dueDate: '2099-01-01',
    status: 'open',
    createdBy: { source: 'slack', id: 'U0ALICE' },
    createdAt: new Date(),
  });
  return key;
}

describe('a private incident', () => {
  let priv: { incident: string; channel: string };
  let pub: { incident: string; channel: string };

  beforeAll(async () => {
    priv = await declare('declare private Payroll export sent to the wrong bank sev:2 service:payments');
    pub = await declare('declare Checkout slow for some sev:3 service:payments');
    // Notice 1 is triage start: by then the declaration was announced (or not) and mirrored (or not).
    await delivered(priv.incident, 1);
    await delivered(pub.incident, 1);
    await runIncidentUpdate(env.system, priv.incident, msg.assignRoleUpdate, { actor: { source: 'slack', id: 'U0ALICE' }, role: 'commander', person: { source: 'slack', id: 'U0ALICE' } }, 'priv-commander');
  });

  it('gets a private Slack channel with only its reporter and the people the policy names', async () => {
    const channel = env.slack.state.channels.get(priv.channel)!;
    expect(channel.private).toBe(true);
    expect([...channel.members].sort()).toEqual(['U0ALICE', 'U0CAROL', 'U0FIREBREAK']);
    expect(String(env.slack.callsTo('conversations.create').find((c) => c.args.name === channel.name)?.args.is_private)).toBe('true');
    expect(env.slack.state.channels.get(pub.channel)!.private).toBeUndefined();
  });

  it('is absent from the announcement channel, GitHub, the digest, the dashboard and CSV of non-members, and the status page', async () => {
    // The public incident, declared after it, is announced and mirrored: the paths work.
    const announced = env.slack.state.channels.get('C0INCIDENTS')!.messages;
    expect(announced.some((m) => mentions(m, pub.incident))).toBe(true);
    expect(announced.filter((m) => mentions(m, priv.incident))).toEqual([]);
    expect(env.github.calls.some((c) => mentions(c.body, pub.incident))).toBe(true);
    expect(env.github.calls.filter((c) => mentions(c.body, priv.incident) || mentions(c.path, priv.incident)).map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body).slice(0, 300)}`)).toEqual([]);

    const digest = await teamDigest(db(), 'payments', new Date(), { services: ['payments'] });
    expect(digest.incidents.map((i) => i.key)).toContain(pub.incident);
    expect(digest.incidents.map((i) => i.key)).not.toContain(priv.incident);

    const [privateItem, publicItem] = [await seedActionItem(priv.incident), await seedActionItem(pub.incident)];
    const digestItems = (await teamDigest(db(), 'payments', new Date(), { services: ['payments'] })).owners.flatMap((o) => [...o.open, ...o.overdue]).map((i) => i.key);
    expect(digestItems).toContain(publicItem);
    expect(digestItems).not.toContain(privateItem);

    // bob is in a team, but not in this incident: no row, no CSV line. carol is a policy member.
    const bobList = await (await browse('bob', '/incidents')).text();
    expect(bobList).toContain(`data-key="${pub.incident}"`);
    expect(bobList).not.toContain(`data-key="${priv.incident}"`);
    expect(bobList).not.toContain('Payroll');
    expect(await (await browse('carol', '/incidents')).text()).toContain(`data-key="${priv.incident}"`);
    // The overview's open incidents follow the same rule.
    const bobOverview = await (await browse('bob', '/')).text();
    expect(bobOverview).toContain(`data-key="${pub.incident}"`);
    expect(bobOverview).not.toContain(priv.incident);
    expect(bobOverview).not.toContain('Payroll');
    expect(await (await browse('carol', '/')).text()).toContain(`data-key="${priv.incident}"`);
    const bobCsv = await (await browse('bob', '/actions.csv')).text();
    expect(bobCsv).toContain(publicItem);
    expect(bobCsv).not.toContain(privateItem);
    expect(bobCsv).not.toContain(priv.incident);
    const tokenCsv = await (await fetch(`${dashboard.url}/actions.csv`, { headers: { authorization: 'Bearer private-incidents-dashboard-token' } })).text();
    expect(tokenCsv).not.toContain(privateItem);
    expect(await (await browse('carol', '/actions.csv')).text()).toContain(privateItem);
    const bobBoard = await (await browse('bob', '/actions')).text();
    expect(bobBoard).not.toContain(privateItem);

    // Charts leave it out unless the policy includes private incidents in metrics.
    const count = async (includePrivate: boolean) =>
      (await chartSeries(db(), { now: new Date(), months: 1, includePrivate })).responseTimes.filter((p) => p.severity === 'SEV2').reduce((n, p) => n + p.incidents, 0);
    expect((await count(true)) - (await count(false))).toBeGreaterThanOrEqual(1);
    // So does the incident metrics page, even for a member. Other files declare incidents meanwhile,
    // so the page's count is bracketed by the query's before and after.
    const sev2 = async (includePrivate: boolean) =>
      (await incidentMetrics(db(), { now: new Date(), months: 1, severity: 'SEV2', service: 'payments', includePrivate })).total.at(-1)!.incidents;
    const shown = async (server: RunningServer) => {
      const cookie = sealSession(sessionKeys(SESSION_SECRET), newSession('carol', 'slack', Date.now(), 3600));
      const page = await (await fetch(`${server.url}/incident-metrics?months=1&severity=SEV2&service=payments`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } })).text();
      expect(page).not.toContain('Payroll');
      return Number(/id="volume-table"[\s\S]*?data-label="Incidents">(\d+)</.exec(page)?.[1]);
    };
    expect((await sev2(true)) - (await sev2(false))).toBeGreaterThanOrEqual(1);
    for (const includeInMetrics of [false, true]) {
      const metricsDashboard = await startHttpServer({
        port: 0,
        host: '127.0.0.1',
        logger: testLogger(),
        routes: dashboardRoutes({ db: db(), policy: { ...policy, privateIncidents: { members: ['person:carol'], includeInMetrics } }, redactor: createRedactor(), logger: testLogger(), sessionSecret: SESSION_SECRET, slack: { clientId: 'client', clientSecret: 'secret', apiUrl: 'http://127.0.0.1:9/' }, publicUrl: 'https://firebreak.example.test' }),
      });
      try {
        const before = await sev2(includeInMetrics);
        const count = await shown(metricsDashboard);
        expect(count, `includeInMetrics: ${includeInMetrics}`).toBeGreaterThanOrEqual(before);
        expect(count, `includeInMetrics: ${includeInMetrics}`).toBeLessThanOrEqual(await sev2(includeInMetrics));
      } finally {
        await metricsDashboard.close();
      }
    }

    const publish = incidentHandle(env.system, priv.incident).executeUpdate(msg.publishStatusPageUpdate, {
      args: [{ actor: { source: 'slack', id: 'U0ALICE' }, verb: 'open', components: [{ component: 'Checkout', state: 'major' }], text: 'Payments are failing' }],
      updateId: 'priv-statuspage',
    });
    const refused = await publish.then(() => undefined, (err: unknown) => err as { cause?: Error });
    expect(refused?.cause?.message).toMatch(/is private, so nothing about it goes on the public status page/);
    expect(await readPublicIncident(db(), priv.incident)).toBeUndefined();
  });

  it('tells a non-member who asks only that it exists and whom to ask', async () => {
    const answer = await env.command(`${priv.incident} status`, BOB);
    expect(answer).toMatch(new RegExp(`^${priv.incident} is private\\. Ask its commander, alice, to add you`));
    expect(answer).not.toContain('Payroll');
    expect(await env.command(`${priv.incident} status`, CAROL)).toContain('Payroll');
  });

  it('refuses every change by a non-member (a note, a severity change, resolve) with no effect', async () => {
    const before = await db().select().from(timelineEvents).where(eq(timelineEvents.incidentKey, priv.incident)).orderBy(asc(timelineEvents.id));
    for (const command of ['note the export file is on the SFTP server', 'sev 1', 'resolve']) {
      expect(await env.command(`${priv.incident} ${command}`, BOB), command).toMatch(new RegExp(`^${priv.incident} is private: only its members may act on it; ask the commander, alice, to add you\\.`));
    }
    const view = await getIncidentView(env.system, priv.incident);
    expect([view.severity, view.phase]).toEqual(['SEV2', 'mitigating']);
    const after = await db().select().from(timelineEvents).where(eq(timelineEvents.incidentKey, priv.incident)).orderBy(asc(timelineEvents.id));
    // Status-update reminders come from the incident's own timer and may fire meanwhile under load.
    const byPeople = (events: typeof after) => events.filter((e) => e.kind !== 'reminder').map((e) => e.kind);
    expect(byPeople(after)).toEqual(byPeople(before));
  });

  it('refuses invitations from non-members and guests, and of guests, with no effect; a member adds people', async () => {
    const membersBefore = [...env.slack.state.channels.get(priv.channel)!.members].sort();
    expect(await env.command(`${priv.incident} invite <@U0DAVE>`, BOB)).toMatch(/Only members of INC-\d+ may add people to it; ask the commander, alice\./);
    expect(await env.command(`${priv.incident} invite <@U0BOB>`, DAVE)).toMatch(/is not in any team of the policy, so Firebreak does not let them add people to private incidents/);
    expect(await env.command(`invite <@U0DAVE>`, { ...ALICE, channel: priv.channel })).toMatch(/slack:U0DAVE is not in any team of the policy and cannot be added to INC-\d+/);
    expect((await getIncidentView(env.system, priv.incident)).members).toBeUndefined();
    expect(await privacyEvents(priv.incident)).toEqual([]);
    expect((await auditRows(priv.incident, 'authz.refused.invite')).length).toBeGreaterThanOrEqual(2);

    // A later known event: alice adds bob. Only then is the channel's membership compared.
    expect(await env.command(`invite <@U0BOB>`, { ...ALICE, channel: priv.channel })).toMatch(/alice added bob to the private incident/);
    await eventually(async () => env.slack.state.channels.get(priv.channel)!.members.has('U0BOB'), 20_000, 'bob in the private channel');
    expect([...env.slack.state.channels.get(priv.channel)!.members].sort()).toEqual([...membersBefore, 'U0BOB'].sort());
    expect(env.slack.state.channels.get(priv.channel)!.members.has('U0DAVE')).toBe(false);
    expect((await privacyEvents(priv.incident)).map((e) => [e.details.event, e.details.person])).toEqual([['invite', { source: 'slack', id: 'U0BOB', name: 'bob' }]]);
    expect(await auditRows(priv.incident, 'incident.invite')).toHaveLength(1);
    expect(await env.command(`${priv.incident} status`, BOB)).toContain('Payroll');
  });

  it('audits every dashboard read, shown or refused', async () => {
    const before = (await auditRows(priv.incident, 'dashboard.read_private')).length;
    const carol = await browse('carol', `/incidents/${priv.incident}`);
    expect(carol.status).toBe(200);
    expect(await carol.text()).toContain('Payroll');
    const outsider = await browse('dave', `/incidents/${priv.incident}`);
    // dave is in no team: the dashboard refuses him outright and reads nothing.
    expect(outsider.status).toBe(401);
    const token = await fetch(`${dashboard.url}/incidents/${priv.incident}`, { headers: { authorization: 'Bearer private-incidents-dashboard-token' } });
    expect(token.status).toBe(403);
    const page = await token.text();
    expect(page).toContain(`${priv.incident} is private`);
    expect(page).toContain('ask its commander, alice');
    expect(page).not.toContain('Payroll');
    const rows = (await auditRows(priv.incident, 'dashboard.read_private')).slice(before);
    expect(rows.map((r) => [r.actor.id, r.details.allowed])).toEqual([
      ['U0CAROL', true],
      ['dashboard-token', false],
    ]);
    // Nor can a non-member (the token names nobody) add to it through the dashboard's form; a member can.
    const refused = await addAction('token', priv.incident);
    expect(refused.status).toBe(403);
    expect(added).toEqual([]);
    expect((await addAction('carol', priv.incident)).status).toBe(303);
    expect(added.map((a) => [a.incidentKey, a.requestedBy])).toEqual([[priv.incident, 'carol']]);
    // A public incident's page writes no such row.
    await browse('bob', `/incidents/${pub.incident}`);
    expect(await auditRows(pub.incident, 'dashboard.read_private')).toEqual([]);
  });

  it('becomes public again only by its commander; a member may make an incident private', async () => {
    expect(await env.command('public', { ...CAROL, channel: priv.channel })).toMatch(/Only the incident commander \(alice\) may make INC-\d+ public again\./);
    expect((await getIncidentView(env.system, priv.incident)).private).toBe(true);
    expect(await auditRows(priv.incident, 'incident.public')).toEqual([]);
    expect(await env.command('public', { ...ALICE, channel: priv.channel })).toMatch(/made the incident public again/);
    expect((await getIncidentView(env.system, priv.incident)).private).toBe(false);
    expect(await auditRows(priv.incident, 'incident.public')).toHaveLength(1);
    const [row] = await db().execute<{ private: boolean }>(sql`SELECT private FROM incidents WHERE key = ${priv.incident}`).then((r) => r.rows);
    expect(row?.private).toBe(false);

    expect(await env.command('private', { ...DAVE, channel: pub.channel })).toMatch(/not in any team of the policy/);
    expect(await env.command('private', { ...BOB, channel: pub.channel })).toMatch(/made the incident private/);
    expect((await getIncidentView(env.system, pub.incident)).private).toBe(true);
    expect(await auditRows(pub.incident, 'incident.private')).toHaveLength(1);
    expect((await privacyEvents(pub.incident)).map((e) => e.details.event)).toEqual(['private']);
  });
});
