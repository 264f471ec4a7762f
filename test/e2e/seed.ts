// Rows for the dashboard tests, inserted directly (the postmortem workflow owns the real writes).
// Numbers start at 900001 so they never meet the INC-N / ACT-N of other test files.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { applyPostmortemEvent } from '../../db/queries/postmortems.js';
import { actionItems, incidentLinks, incidents, postmortems, timelineEvents } from '../../db/schema/index.js';
import type { ChildEventFields, StoredPostmortemEvent } from '../../domain/child-events.js';
import type { Actor } from '../../domain/incident.js';

export const NOW = new Date('2026-03-18T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const date = (days: number) => at(days).toISOString().slice(0, 10);

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'Alice Slack' };
const carol: Actor = { source: 'slack', id: 'U0CAROL' };
const stranger: Actor = { source: 'github', id: 'mallory-gh' };

export const TEAMS = { atlas: 'e2e-atlas', borealis: 'e2e-borealis' } as const;

export const INCIDENTS = ['INC-900001', 'INC-900002', 'INC-900003'] as const;

/** The atlas items overdue on NOW, by due date: the board's expected rows. */
export const ATLAS_OVERDUE = ['ACT-900001', 'ACT-900002', 'ACT-900005'];

/** Seeds once per database: both e2e files run against the same one. */
export async function seedDashboard(db: Database): Promise<void> {
  const [seeded] = await db.select({ key: incidents.key }).from(incidents).where(eq(incidents.key, 'INC-900001'));
  if (seeded) return;
  await db.insert(incidents).values([
    {
      key: 'INC-900001', number: 900001, title: 'Checkout errors for jane.doe@example.com', severity: 'SEV2', phase: 'postmortem',
      services: ['payments'], roles: { commander: alice, scribe: stranger }, source: 'slack', reporter: carol,
      declaredAt: at(-20), acknowledgedAt: new Date(at(-20).getTime() + 300_000), mitigatedAt: new Date(at(-20).getTime() + 1_800_000),
      resolvedAt: new Date(at(-20).getTime() + 3_600_000),
    },
    {
      key: 'INC-900002', number: 900002, title: 'Search latency', severity: 'SEV3', phase: 'resolved', services: ['search'],
      roles: { commander: carol }, source: 'github', reporter: stranger, declaredAt: at(-3),
      acknowledgedAt: new Date(at(-3).getTime() + 600_000), resolvedAt: new Date(at(-3).getTime() + 7_200_000),
    },
    {
      key: 'INC-900003', number: 900003, title: 'Old outage', severity: 'SEV1', phase: 'closed', services: ['payments', 'search'],
      roles: {}, source: 'cli', reporter: { source: 'cli', id: 'alice' }, declaredAt: at(-70),
      acknowledgedAt: new Date(at(-70).getTime() + 120_000), resolvedAt: new Date(at(-70).getTime() + 5_400_000), closedAt: at(-40),
    },
  ]);
  await db.insert(timelineEvents).values([
    { incidentKey: 'INC-900001', occurredAt: at(-20), kind: 'declared', actor: carol, text: 'Declared SEV2: checkout failing', idempotencyKey: 'e2e-dash:1' },
    { incidentKey: 'INC-900001', occurredAt: new Date(at(-20).getTime() + 300_000), kind: 'role', actor: alice, text: 'alice is commander', idempotencyKey: 'e2e-dash:2' },
    { incidentKey: 'INC-900001', occurredAt: new Date(at(-20).getTime() + 900_000), kind: 'note', actor: stranger, text: 'Customer jane.doe@example.com reported card declines', idempotencyKey: 'e2e-dash:3' },
    { incidentKey: 'INC-900001', occurredAt: new Date(at(-20).getTime() + 3_600_000), kind: 'resolved', actor: alice, text: 'Rolled back new-checkout', idempotencyKey: 'e2e-dash:4' },
  ]);
  await db.insert(postmortems).values([
    { incidentKey: 'INC-900001', status: 'in_review', owner: 'alice', team: TEAMS.atlas, approver: null, dueAt: at(2), metrics: { timeToAcknowledgeSeconds: 300, timeToMitigateSeconds: 1800, timeToResolveSeconds: 3600 }, document: '# INC-900001', createdAt: at(-19) },
    { incidentKey: 'INC-900002', status: 'draft', owner: 'carol', team: TEAMS.borealis, dueAt: at(-1), metrics: {}, document: '# INC-900002', createdAt: at(-2) },
    { incidentKey: 'INC-900003', status: 'closed', owner: 'bob', team: TEAMS.atlas, dueAt: at(-60), metrics: {}, document: '# INC-900003', createdAt: at(-69), closedAt: at(-40) },
  ]);
  const item = (n: number, o: { incident: string; team: string; owner: string; service: string; due: number; created: number; done?: number; text?: string; priority?: 'P1' | 'P2' | 'P3' }) => ({
    key: `ACT-${n}`, number: n, incidentKey: o.incident, text: o.text ?? `Action ${n}`, owner: o.owner, team: o.team, service: o.service,
    priority: o.priority ?? 'P2', dueDate: date(o.due), status: o.done === undefined ? ('open' as const) : ('done' as const),
    issueRef: `acme/${o.service}#${n}`, issueUrl: `https://github.example/acme/${o.service}/issues/${n}`, createdBy: alice,
    createdAt: at(o.created), doneAt: o.done === undefined ? null : at(o.done),
  });
  const { atlas, borealis } = TEAMS;
  await db.insert(actionItems).values([
    item(900001, { incident: 'INC-900001', team: atlas, owner: 'alice', service: 'payments', due: -10, created: -19, text: 'Add a circuit breaker to the card gateway', priority: 'P1' }),
    item(900002, { incident: 'INC-900001', team: atlas, owner: 'bob', service: 'payments', due: -2, created: -19 }),
    item(900003, { incident: 'INC-900001', team: atlas, owner: 'alice', service: 'payments', due: 5, created: -18 }),
    item(900004, { incident: 'INC-900001', team: atlas, owner: 'bob', service: 'payments', due: -20, created: -19, done: -15 }),
    item(900005, { incident: 'INC-900003', team: atlas, owner: 'carol', service: 'search', due: -1, created: -4, text: '=HYPERLINK("http://evil.example","mail ops@example.com")' }),
    item(900011, { incident: 'INC-900002', team: borealis, owner: 'carol', service: 'search', due: -5, created: -2 }),
    item(900012, { incident: 'INC-900002', team: borealis, owner: 'carol', service: 'search', due: 1, created: -2 }),
    item(900013, { incident: 'INC-900002', team: borealis, owner: 'bob', service: 'search', due: -3, created: -2, done: -1 }),
  ]);
}

/** The incident page's test incident (dashboard-data.test.ts): keys 920001+, so the rows above keep their counts. */
export const PAGE_INCIDENT = 'INC-920001';
/** Its action items, added through the postmortem workflow's own write (no service named). */
export const PAGE_ITEMS = ['ACT-920001', 'ACT-920002'] as const;
/** An item as rows looked before migration 0012: no service. */
export const LEGACY_ITEM = 'ACT-920009';
export const PAGE_LINKS = {
  slackChannel: 'C0E2EPAGE',
  githubIssue: 'acme/payments#4242',
  document: 'https://docs.example/postmortems/INC-920001',
} as const;

/**
 * Seeds once per database, only for the files that call it. The incident is past resolution
 * (not open), has no time to mitigate ("not yet"), one event of every kind the page labels, and its
 * postmortem and items are written by `applyPostmortemEvent`, the workflow's path, so the items
 * get their service the way the product gives it.
 */
export async function seedIncidentPage(db: Database): Promise<void> {
  const [seeded] = await db.select({ key: incidents.key }).from(incidents).where(eq(incidents.key, PAGE_INCIDENT));
  if (seeded) return;
  const declared = at(-6);
  const later = (minutes: number) => new Date(declared.getTime() + minutes * 60_000);
  const bobGh: Actor = { source: 'github', id: 'bob-gh', name: 'Bob on GitHub' };
  await db.insert(incidents).values({
    key: PAGE_INCIDENT, number: 920001, title: 'Refunds stuck in pending', severity: 'SEV4', phase: 'postmortem', services: ['payments'],
    roles: { commander: alice }, source: 'slack', reporter: carol, declaredAt: declared, acknowledgedAt: later(5), resolvedAt: later(90),
  });
  await db.insert(incidentLinks).values([
    { incidentKey: PAGE_INCIDENT, kind: 'slack-channel', externalId: PAGE_LINKS.slackChannel },
    { incidentKey: PAGE_INCIDENT, kind: 'github-issue', externalId: PAGE_LINKS.githubIssue, data: { tracking: true } },
  ]);
  const event = (n: number, minutes: number, kind: string, actor: Actor, text: string, details: Record<string, unknown> = {}) => ({
    incidentKey: PAGE_INCIDENT, occurredAt: later(minutes), kind, actor, text, details, idempotencyKey: `e2e-page:${n}`,
  });
  await db.insert(timelineEvents).values([
    event(1, 0, 'declared', carol, 'Declared SEV4: refunds stuck'),
    event(2, 5, 'phase', bobGh, 'Acknowledged by Bob on GitHub'),
    event(3, 6, 'role', alice, 'alice is commander'),
    event(4, 10, 'status_update', alice, 'Refund worker restarted; watching the queue'),
    event(5, 12, 'task', alice, 'TASK-1 added', { event: 'added', task: 'TASK-1', text: 'Drain the refund queue', owner: 'bob-gh' }),
    event(6, 15, 'child', bobGh, 'GR-920001 requested', { grant: 'GR-920001', action: 'access.request' }),
    event(7, 20, 'child', alice, 'SBX-920001 ready', { sandbox: 'SBX-920001', action: 'sandbox.ready' }),
    event(8, 30, 'reminder', { source: 'system', id: 'firebreak' }, 'Post a status update', { reminder: 'status' }),
    event(9, 90, 'phase', alice, 'Resolved'),
  ]);
  const step = (n: number, minutes: number, action: string, text: string, parts: Omit<StoredPostmortemEvent, keyof ChildEventFields>) =>
    applyPostmortemEvent(db, { incident: PAGE_INCIDENT, idempotencyKey: `postmortem:${PAGE_INCIDENT}:${n}`, at: later(minutes).toISOString(), actor: alice, action, text, details: {}, ...parts });
  await step(1, 120, 'postmortem.draft', 'Postmortem drafted', { postmortem: { create: { owner: 'bob-gh', dueAt: at(5).toISOString(), metrics: {}, document: '# INC-920001' } } });
  await step(2, 130, 'action.add', 'ACT-920001 added', { item: { key: PAGE_ITEMS[0], create: { text: 'Alert on refunds pending over an hour', owner: 'alice', priority: 'P2', due: date(10), createdBy: alice } } });
  await step(3, 131, 'action.add', 'ACT-920002 added', { item: { key: PAGE_ITEMS[1], create: { text: 'Retry refunds with backoff', owner: 'bob', priority: 'P1', due: date(12), createdBy: alice } } });
  await step(4, 140, 'postmortem.document', 'Postmortem document published', { postmortem: { changes: { documentUrl: PAGE_LINKS.document } } });
  await db.insert(actionItems).values({
    key: LEGACY_ITEM, number: 920009, incidentKey: PAGE_INCIDENT, text: 'Filed before items had a service', owner: 'carol', service: null,
    priority: 'P3', dueDate: date(20), status: 'open', createdBy: alice, createdAt: later(150),
  });
}
