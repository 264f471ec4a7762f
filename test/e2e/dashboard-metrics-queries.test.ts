// The overview and incident-metrics queries on a real Postgres database, over seed-overview.ts's
// rows (910001+ keys, 2025 dates) whose expected numbers are worked out there by hand.

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { incidentMetrics, monthBounds } from '../../db/queries/dashboard-metrics.js';
import { dashboardOverview } from '../../db/queries/dashboard-overview.js';
import { OVERVIEW_NOW, OVERVIEW_TEAM, seedOverview } from './seed-overview.js';

let database: DatabaseHandle;

beforeAll(async () => {
  database = connectDatabase(inject('databaseUrl'));
  await seedOverview(database.db);
});

afterAll(async () => database?.close());

const month = async (m: string, options: Parameters<typeof incidentMetrics>[1]) => (await incidentMetrics(database.db, options)).total.find((p) => p.month === m);

describe('incident metrics', () => {
  it('buckets by UTC month, every month present, with means and medians of the points reached', async () => {
    const metrics = await incidentMetrics(database.db, { now: OVERVIEW_NOW, months: 4 });
    expect(metrics.months).toEqual(['2025-03', '2025-04', '2025-05', '2025-06']);
    expect(metrics.total.map((m) => m.incidents)).toEqual([0, 3, 1, 3]);
    expect(metrics.total[0]).toEqual({ month: '2025-03', incidents: 0, acknowledge: { mean: null, median: null }, mitigate: { mean: null, median: null }, resolve: { mean: null, median: null } });
    expect(metrics.total[1]).toEqual({ month: '2025-04', incidents: 3, acknowledge: { mean: 340, median: 300 }, mitigate: { mean: 900, median: 900 }, resolve: { mean: 4200, median: 3600 } });
    expect(metrics.total[3]!.acknowledge).toEqual({ mean: 450, median: 450 });
    expect(metrics.total[3]!.resolve).toEqual({ mean: null, median: null });
    expect(metrics.bySeverity.SEV2[1]).toMatchObject({ incidents: 2, acknowledge: { mean: 450, median: 450 }, resolve: { mean: 4500, median: 4500 } });
    expect(metrics.bySeverity.SEV4.every((m) => m.incidents === 0)).toBe(true);
  });

  it('counts private incidents only when asked to', async () => {
    expect((await month('2025-05', { now: OVERVIEW_NOW, months: 2 }))!.incidents).toBe(1);
    const withPrivate = await month('2025-05', { now: OVERVIEW_NOW, months: 2, includePrivate: true });
    expect(withPrivate).toMatchObject({ incidents: 2, acknowledge: { mean: 35, median: 35 } });
    expect(await month('2025-06', { now: OVERVIEW_NOW, months: 1, includePrivate: true })).toMatchObject({ incidents: 4, acknowledge: { mean: 320, median: 300 } });
  });

  it('filters by severity, service and a team’s services; a team owning nothing matches nothing', async () => {
    expect((await month('2025-04', { now: OVERVIEW_NOW, months: 3, severity: 'SEV2' }))!.incidents).toBe(2);
    expect((await month('2025-04', { now: OVERVIEW_NOW, months: 3, service: 'payments' }))!.incidents).toBe(2);
    expect((await month('2025-06', { now: OVERVIEW_NOW, months: 3, anyService: ['search'] }))!.incidents).toBe(2);
    expect((await month('2025-06', { now: OVERVIEW_NOW, months: 3, anyService: ['search'], severity: 'SEV3' }))!.incidents).toBe(1);
    expect((await incidentMetrics(database.db, { now: OVERVIEW_NOW, months: 3, anyService: [] })).total.map((m) => m.incidents)).toEqual([0, 0, 0]);
  });

  it('bounds the number of months to 1..36 and gives month bounds for links', async () => {
    expect((await incidentMetrics(database.db, { now: OVERVIEW_NOW, months: 500 })).months).toHaveLength(36);
    expect((await incidentMetrics(database.db, { now: OVERVIEW_NOW, months: 0 })).months).toEqual(['2025-06']);
    expect(monthBounds('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthBounds('2025-12')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });
});

describe('overview', () => {
  it('lists open incidents worst first, pending grants, live sandboxes and overdue counts; private ones only when visible', async () => {
    const mine = <T extends { key: string }>(rows: T[]) => rows.filter((r) => /-91000\d$/.test(r.key)).map((r) => r.key);
    const hidden = await dashboardOverview(database.db, { now: OVERVIEW_NOW, visiblePrivate: [] });
    expect(mine(hidden.incidents)).toEqual(['INC-910006', 'INC-910008', 'INC-910007']);
    expect(mine(hidden.grants)).toEqual(['GR-910001']);
    expect(mine(hidden.sandboxes)).toEqual(['SBX-910001', 'SBX-910003']);
    expect(hidden.overdueByTeam.find((t) => t.team === OVERVIEW_TEAM)?.overdue).toBe(2);

    const member = await dashboardOverview(database.db, { now: OVERVIEW_NOW, visiblePrivate: ['INC-910009'] });
    expect(mine(member.incidents)).toEqual(['INC-910006', 'INC-910008', 'INC-910009', 'INC-910007']);
    expect(mine(member.grants)).toEqual(['GR-910001', 'GR-910003']);
    expect(mine(member.sandboxes)).toEqual(['SBX-910004', 'SBX-910001', 'SBX-910003']);
    expect(member.overdueByTeam.find((t) => t.team === OVERVIEW_TEAM)?.overdue).toBe(3);
    expect(member.incidents.find((i) => i.key === 'INC-910006')?.commander).toEqual({ source: 'slack', id: 'U0ALICE' });
  });
});
