// Rows for the dashboard tests, inserted directly (the postmortem workflow owns the real writes).
// Numbers start at 900001 so they never meet the INC-N / ACT-N of other test files.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { actionItems, incidents, postmortems, timelineEvents } from '../../db/schema/index.js';
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
