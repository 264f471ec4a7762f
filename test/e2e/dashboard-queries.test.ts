// The dashboard's read queries on a real Postgres database, over the seeded rows (900001+ keys).

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { actionBoard, actionBoardCsvRows, chartSeries, countActionItems, incidentDetail, listIncidents, teamDigest, type ActionBoardFilter } from '../../db/queries/dashboard.js';
import { NOW, seedDashboard, TEAMS } from './seed.js';

let database: DatabaseHandle;
const keys = async (filter: ActionBoardFilter) => (await actionBoard(database.db, { ...filter, incidentKeys: ['INC-900001', 'INC-900002', 'INC-900003'] }, NOW)).rows.map((r) => r.key);

beforeAll(async () => {
  database = connectDatabase(inject('databaseUrl'));
  await seedDashboard(database.db);
});

afterAll(async () => database?.close());

describe('action board', () => {
  it('filters by team, owner, service, status and overdue, sorted by due date', async () => {
    expect(await keys({ team: TEAMS.atlas })).toEqual(['ACT-900004', 'ACT-900001', 'ACT-900002', 'ACT-900005', 'ACT-900003']);
    expect(await keys({ team: TEAMS.atlas, status: 'open' })).toEqual(['ACT-900001', 'ACT-900002', 'ACT-900005', 'ACT-900003']);
    expect(await keys({ team: TEAMS.atlas, overdue: true })).toEqual(['ACT-900001', 'ACT-900002', 'ACT-900005']);
    expect(await keys({ owner: 'carol', overdue: true })).toEqual(['ACT-900011', 'ACT-900005']);
    expect(await keys({ service: 'search', status: 'done' })).toEqual(['ACT-900013']);
    expect(await keys({ team: TEAMS.borealis, owner: 'carol', service: 'search', status: 'open' })).toEqual(['ACT-900011', 'ACT-900012']);
    expect(await keys({ overdue: true, status: 'done' })).toEqual([]);
    expect(await keys({ team: 'nobody' })).toEqual([]);
  });

  it('pages with limit and offset and says whether more follow', async () => {
    const first = await actionBoard(database.db, { team: TEAMS.atlas, limit: 2 }, NOW);
    const second = await actionBoard(database.db, { team: TEAMS.atlas, limit: 2, offset: 2 }, NOW);
    const last = await actionBoard(database.db, { team: TEAMS.atlas, limit: 2, offset: 4 }, NOW);
    expect([first.more, second.more, last.more]).toEqual([true, true, false]);
    expect([...first.rows, ...second.rows, ...last.rows].map((r) => r.key)).toEqual(['ACT-900004', 'ACT-900001', 'ACT-900002', 'ACT-900005', 'ACT-900003']);
    expect(await countActionItems(database.db, { team: TEAMS.atlas, overdue: true }, NOW)).toBe(3);
  });

  it('judges overdue against the UTC date of now', async () => {
    const dayAfter = new Date(NOW.getTime() + 6 * 86_400_000);
    expect((await actionBoard(database.db, { team: TEAMS.atlas, overdue: true }, dayAfter)).rows.map((r) => r.key)).toEqual(['ACT-900001', 'ACT-900002', 'ACT-900005', 'ACT-900003']);
  });

  it('gives CSV rows in board order with the overdue flag', async () => {
    const rows = await actionBoardCsvRows(database.db, { team: TEAMS.borealis, status: undefined }, NOW);
    expect(rows.map((r) => [r.key, r.status, r.overdue])).toEqual([
      ['ACT-900011', 'open', true],
      ['ACT-900013', 'done', false],
      ['ACT-900012', 'open', false],
    ]);
  });
});

describe('incidents', () => {
  const ours = async (filter: Parameters<typeof listIncidents>[1]) =>
    (await listIncidents(database.db, { ...filter, from: new Date(NOW.getTime() - 100 * 86_400_000), to: NOW, limit: 200 })).rows.map((r) => r.key).filter((k) => k.startsWith('INC-9000'));

  it('lists newest first, filtered by severity, service and phase', async () => {
    expect(await ours({})).toEqual(['INC-900002', 'INC-900001', 'INC-900003']);
    expect(await ours({ service: 'payments' })).toEqual(['INC-900001', 'INC-900003']);
    expect(await ours({ severity: 'SEV1' })).toEqual(['INC-900003']);
    expect(await ours({ phase: 'resolved', service: 'search' })).toEqual(['INC-900002']);
  });

  it('filters by declaration date range', async () => {
    const rows = await listIncidents(database.db, { from: new Date(NOW.getTime() - 30 * 86_400_000), to: new Date(NOW.getTime() - 10 * 86_400_000) });
    expect(rows.rows.map((r) => r.key).filter((k) => k.startsWith('INC-9000'))).toEqual(['INC-900001']);
  });

  it('reads one incident with its timeline, postmortem and action items', async () => {
    const d = await incidentDetail(database.db, 'INC-900001');
    expect(d?.timeline.map((e) => e.kind)).toEqual(['declared', 'role', 'note', 'resolved']);
    expect(d?.postmortem?.status).toBe('in_review');
    expect(d?.actionItems.map((a) => a.key)).toEqual(['ACT-900004', 'ACT-900001', 'ACT-900002', 'ACT-900003']);
    expect(await incidentDetail(database.db, 'INC-999999')).toBeUndefined();
  });
});

describe('team digest', () => {
  it('groups open and overdue items by owner and lists postmortems and incidents of the week', async () => {
    const digest = await teamDigest(database.db, TEAMS.atlas, NOW, { services: ['payments'] });
    expect(digest.today).toBe('2026-03-18');
    expect(digest.owners.map((o) => [o.owner, o.openCount, o.overdueCount, o.overdue.map((i) => i.key), o.open.map((i) => i.key)])).toEqual([
      ['alice', 2, 1, ['ACT-900001'], ['ACT-900003']],
      ['bob', 1, 1, ['ACT-900002'], []],
      ['carol', 1, 1, ['ACT-900005'], []],
    ]);
    expect(digest.owners[0]!.overdue[0]).toMatchObject({ daysOverdue: 10, priority: 'P1', incidentKey: 'INC-900001' });
    expect(digest.awaitingReview.map((p) => [p.incidentKey, p.status, p.overdue])).toEqual([['INC-900001', 'in_review', false]]);
    expect(digest.incidents.map((i) => i.key).filter((k) => k.startsWith('INC-9000'))).toEqual([]);
    expect(digest.totals).toMatchObject({ open: 4, overdue: 3, awaitingReview: 1 });

    const borealis = await teamDigest(database.db, TEAMS.borealis, NOW, { services: ['search'] });
    expect(borealis.awaitingReview.map((p) => [p.incidentKey, p.status, p.overdue])).toEqual([['INC-900002', 'draft', true]]);
    expect(borealis.incidents.map((i) => i.key).filter((k) => k.startsWith('INC-9000'))).toEqual(['INC-900002']);
  });

  it('counts everything even when it lists only a few items per owner', async () => {
    const digest = await teamDigest(database.db, TEAMS.atlas, NOW, { itemsPerOwner: 1 });
    const alice = digest.owners.find((o) => o.owner === 'alice')!;
    expect([alice.openCount, alice.overdue.length, alice.open.length]).toEqual([2, 1, 1]);
  });
});

describe('chart series', () => {
  it('counts opened, closed and overdue per week for one team', async () => {
    const s = await chartSeries(database.db, { now: NOW, periods: 8, team: TEAMS.atlas });
    expect(s.actionFlow).toHaveLength(8);
    expect(s.actionFlow.reduce((n, p) => n + p.opened, 0)).toBe(5);
    expect(s.actionFlow.reduce((n, p) => n + p.closed, 0)).toBe(1);
    expect(s.actionFlow.at(-1)!.overdue).toBe(3);
    expect(s.actionFlow.at(-1)!.period).toBe('2026-03-16');
  });

  it('averages MTTA and MTTR per month and severity', async () => {
    const s = await chartSeries(database.db, { now: NOW, months: 3 });
    expect(s.months).toEqual(['2026-01', '2026-02', '2026-03']);
    const feb = s.responseTimes.find((p) => p.month === '2026-02' && p.severity === 'SEV2');
    expect(feb).toMatchObject({ mttaSeconds: 300, mttrSeconds: 3600 });
  });
});
