// Rows for the overview and incident-metrics tests, inserted directly. Keys start at 910001 and
// dates sit in 2024–2025, away from seed.ts (900001+, 2026), so both seeds share one database.
// The numbers the tests expect are worked out by hand in the comments beside each row.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { accessGrants, actionItems, incidents, sandboxes } from '../../db/schema/index.js';
import type { Actor, Phase, Severity } from '../../domain/incident.js';

/** The overview's and metrics' "now": 2025-06-20, so the last 12 months are 2024-07 … 2025-06. */
export const OVERVIEW_NOW = new Date('2025-06-20T12:00:00Z');
export const OVERVIEW_TEAM = 'e2e-overview';
const MIN = 60_000;
const alice: Actor = { source: 'slack', id: 'U0ALICE' };
const bob: Actor = { source: 'slack', id: 'U0BOB' };
const carol: Actor = { source: 'slack', id: 'U0CAROL' };

interface Spec {
  n: number;
  severity: Severity;
  phase: Phase;
  services: string[];
  declared: string;
  /** Seconds after declaration; undefined when that point was never reached. */
  ack?: number;
  mitigate?: number;
  resolve?: number;
  commander?: Actor;
  private?: boolean;
}

const after = (declared: string, seconds: number | undefined) => (seconds === undefined ? null : new Date(Date.parse(declared) + seconds * 1000));

const SPECS: Spec[] = [
  // April 2025: 3 incidents. To acknowledge 120, 300, 600 → mean 340 s (5m40s), median 300 s (5m).
  // To mitigate 600, 1200 (one never mitigated) → mean = median = 900 s (15m).
  // To resolve 3600, 7200, 1800 → mean 4200 s (1h10m), median 3600 s (1h).
  { n: 910001, severity: 'SEV1', phase: 'closed', services: ['payments'], declared: '2025-04-10T10:00:00Z', ack: 120, mitigate: 600, resolve: 3600 },
  { n: 910002, severity: 'SEV2', phase: 'closed', services: ['search'], declared: '2025-04-20T10:00:00Z', ack: 300, mitigate: 1200, resolve: 7200 },
  // 23:30 UTC on 30 April is already May in UTC+2: it counts in April.
  { n: 910003, severity: 'SEV2', phase: 'closed', services: ['payments'], declared: '2025-04-30T23:30:00Z', ack: 600, resolve: 1800 },
  // May 2025: 1 public incident (60 s, 120 s, 240 s); the private one is left out of metrics.
  { n: 910004, severity: 'SEV3', phase: 'resolved', services: ['search'], declared: '2025-05-01T00:00:00Z', ack: 60, mitigate: 120, resolve: 240 },
  { n: 910005, severity: 'SEV2', phase: 'closed', services: ['payments'], declared: '2025-05-15T08:00:00Z', ack: 10, mitigate: 20, resolve: 30, private: true },
  // June 2025, still open: SEV1 INC-910008 (30 min old) and INC-910006 (3 h old), SEV3 INC-910007 (1 day).
  // To acknowledge 300, 600 (one not yet) → mean = median = 450 s (7m30s).
  { n: 910006, severity: 'SEV1', phase: 'mitigating', services: ['payments'], declared: '2025-06-20T09:00:00Z', ack: 300, commander: alice },
  { n: 910007, severity: 'SEV3', phase: 'triage', services: ['search'], declared: '2025-06-19T12:00:00Z', ack: 600, commander: carol },
  { n: 910008, severity: 'SEV1', phase: 'declared', services: ['search'], declared: '2025-06-20T11:30:00Z' },
  { n: 910009, severity: 'SEV2', phase: 'mitigating', services: ['payments'], declared: '2025-06-18T08:00:00Z', ack: 60, commander: alice, private: true },
];

/** Seeds once per database. */
export async function seedOverview(db: Database): Promise<void> {
  const [seeded] = await db.select({ key: incidents.key }).from(incidents).where(eq(incidents.key, 'INC-910001'));
  if (seeded) return;
  await db.insert(incidents).values(
    SPECS.map((s) => ({
      key: `INC-${s.n}`, number: s.n, title: `Overview incident ${s.n} for ops@example.com`, severity: s.severity, phase: s.phase, services: s.services,
      roles: s.commander ? { commander: s.commander } : {}, source: 'slack' as const, reporter: carol, private: s.private ?? false,
      members: [], declaredAt: new Date(s.declared), acknowledgedAt: after(s.declared, s.ack), mitigatedAt: after(s.declared, s.mitigate),
      resolvedAt: after(s.declared, s.resolve), closedAt: s.phase === 'closed' ? after(s.declared, (s.resolve ?? 0) + 86_400) : null,
    })),
  );
  const at = (minutes: number) => new Date(OVERVIEW_NOW.getTime() + minutes * MIN);
  const grant = (n: number, incident: string, status: string, requested: Date) => ({
    key: `GR-${n}`, number: n, incidentKey: incident, requester: bob, capabilities: ['db-readonly', 'read-logs'], durationSeconds: 1800,
    reason: 'check the ledger', status, requestedAt: requested,
  });
  await db.insert(accessGrants).values([
    grant(910001, 'INC-910006', 'pending', at(-60)),
    grant(910002, 'INC-910006', 'active', at(-90)),
    grant(910003, 'INC-910009', 'pending', at(-30)),
  ]);
  const box = (n: number, incident: string, status: string, expires: Date | null) => ({
    key: `SBX-${n}`, number: n, incidentKey: incident, requester: alice, source: 'primary', seed: 7, ttlSeconds: 7200, status, requestedAt: at(-120), expiresAt: expires,
  });
  await db.insert(sandboxes).values([
    box(910001, 'INC-910006', 'ready', at(45)),
    box(910002, 'INC-910006', 'destroyed', at(-10)),
    box(910003, 'INC-910007', 'provisioning', null),
    box(910004, 'INC-910009', 'ready', at(20)),
  ]);
  const item = (n: number, incident: string, due: string, done?: Date) => ({
    key: `ACT-${n}`, number: n, incidentKey: incident, text: `Overview item ${n}`, owner: 'alice', team: OVERVIEW_TEAM, service: 'payments',
    priority: 'P2' as const, dueDate: due, status: done ? ('done' as const) : ('open' as const), createdBy: alice, createdAt: new Date('2025-04-11T00:00:00Z'), doneAt: done ?? null,
  });
  // Overdue for the team on 2025-06-20: 910001 and 910002 (the private incident's 910005 only for its members).
  await db.insert(actionItems).values([
    item(910001, 'INC-910001', '2025-05-01'),
    item(910002, 'INC-910001', '2025-06-19'),
    item(910003, 'INC-910001', '2025-06-20'),
    item(910004, 'INC-910001', '2025-05-01', new Date('2025-05-02T00:00:00Z')),
    item(910005, 'INC-910009', '2025-06-01'),
  ]);
}
