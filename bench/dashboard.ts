// `npm run bench:dashboard`: the action-item board's filtered first-page queries, its counts and
// filter menus, and the team digest
// on a scratch database with 100,000 action items over 2,000 incidents (12 teams, 60 owners, 30
// services, a year of history). Prints one JSON object with p50/p95 per query, overall, and the
// indexes each board query's plan uses. Target: p95 < 50 ms.

import { performance } from 'node:perf_hooks';
import { asc } from 'drizzle-orm';
import { createScratchDatabase } from '../db/admin.js';
import { connectDatabase } from '../db/client.js';
import { actionBoard, actionBoardConditions, actionBoardFacets, countActionItems, teamDigest, type ActionBoardFilter } from '../db/queries/dashboard.js';
import { runMigrations } from '../db/migrate.js';
import { actionItems } from '../db/schema/index.js';

const INCIDENTS = 2_000;
const ITEMS = 100_000;
const TEAMS = 12;
const OWNERS_PER_TEAM = 5;
const SERVICES = 30;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;
const NOW = new Date();
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

const team = (i: number) => `team-${i % TEAMS}`;
const owner = (i: number) => `person-${i % (TEAMS * OWNERS_PER_TEAM)}`;
const service = (i: number) => `service-${i % SERVICES}`;

// Generated inside Postgres: the spread is deterministic (hashes of the row number), so every run
// measures the same data. Owner k belongs to team k % 12; service s is owned by team s % 12.
const SEED = `
  INSERT INTO incidents (key, number, title, severity, phase, services, roles, source, reporter, declared_at, acknowledged_at, mitigated_at, resolved_at, closed_at)
  SELECT 'INC-' || i, i, 'Incident ' || i, 'SEV' || (1 + (hashint4(i) & 3)),
    CASE WHEN i > ${INCIDENTS} - 20 THEN 'mitigating' WHEN i % 3 = 0 THEN 'closed' ELSE 'postmortem' END,
    ARRAY['service-' || (i % ${SERVICES}), 'service-' || ((i * 7) % ${SERVICES})],
    jsonb_build_object('commander', jsonb_build_object('source', 'slack', 'id', 'U' || (i % 60))),
    'slack', jsonb_build_object('source', 'slack', 'id', 'U' || (i % 60)),
    d, d + ((60 + abs(hashint4(i * 3)) % 900) || ' seconds')::interval, d + ((600 + abs(hashint4(i * 5)) % 7200) || ' seconds')::interval,
    CASE WHEN i > ${INCIDENTS} - 20 THEN NULL ELSE d + ((1800 + abs(hashint4(i * 7)) % 36000) || ' seconds')::interval END,
    CASE WHEN i % 3 = 0 THEN d + interval '20 days' END
  FROM generate_series(1, ${INCIDENTS}) i, LATERAL (SELECT now() - ((${INCIDENTS} - i) * interval '4 hours 22 minutes') AS d) x;

  INSERT INTO postmortems (incident_key, status, owner, team, approver, due_at, metrics, document, created_at)
  SELECT 'INC-' || i, (ARRAY['draft','in_review','published','closed'])[1 + (CASE WHEN i > ${INCIDENTS} - 200 THEN i % 2 ELSE 2 + i % 2 END)],
    'person-' || (i % 60), 'team-' || (i % 60 % ${TEAMS}), NULL, now() - ((${INCIDENTS} - i) * interval '4 hours') + interval '10 days',
    '{}'::jsonb, '# postmortem', now() - ((${INCIDENTS} - i) * interval '4 hours')
  FROM generate_series(1, ${INCIDENTS}) i;

  INSERT INTO action_items (key, number, incident_key, text, owner, team, service, priority, due_date, status, issue_ref, created_by, created_at, done_at)
  SELECT 'ACT-' || i, i, 'INC-' || inc, 'Action item ' || i || ' of incident ' || inc, 'person-' || o, 'team-' || (o % ${TEAMS}),
    'service-' || ((o % ${TEAMS}) + ${TEAMS} * (abs(hashint4(i)) % 2)) % ${SERVICES}, 'P' || (1 + abs(hashint4(i * 11)) % 3),
    (created + ((7 + abs(hashint4(i * 13)) % 54) || ' days')::interval)::date,
    CASE WHEN done THEN 'done' ELSE 'open' END, 'acme/repo#' || i,
    '{"source":"slack","id":"U1"}'::jsonb, created,
    CASE WHEN done THEN created + ((1 + abs(hashint4(i * 17)) % 70) || ' days')::interval END
  FROM generate_series(1, ${ITEMS}) i,
    LATERAL (SELECT 1 + (i - 1) / ${ITEMS / INCIDENTS} AS inc, abs(hashint4(i * 31)) % 60 AS o) a,
    LATERAL (SELECT now() - ((${INCIDENTS} - (1 + (i - 1) / ${ITEMS / INCIDENTS})) * interval '4 hours 22 minutes') + (abs(hashint4(i * 19)) % 3 || ' days')::interval AS created) c,
    LATERAL (SELECT (abs(hashint4(i * 23)) % 100) < (CASE WHEN created < now() - interval '60 days' THEN 85 ELSE 30 END) AS done) s;

  SELECT setval('incident_number_seq', ${INCIDENTS});
  SELECT setval('action_item_number_seq', ${ITEMS});
  ANALYZE;`;

type Case = { name: string; run: (i: number) => Promise<unknown>; filter?: (i: number) => ActionBoardFilter };

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, idx)]! * 100) / 100;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('firebreak_bench_dashboard');
  say(`database ${scratch.name}`);
  const handle = { current: undefined as ReturnType<typeof connectDatabase> | undefined };
  try {
    await runMigrations(scratch.url);
    // The service's own pool size: the digest's three queries run side by side.
    const database = connectDatabase(scratch.url);
    handle.current = database;
    const seedStart = performance.now();
    await database.pool.query(SEED);
    const seedMs = Math.round(performance.now() - seedStart);
    const { rows: counts } = await database.pool.query<{ items: number; open: number; overdue: number }>(
      `SELECT count(*)::int AS items, count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'open' AND due_date < current_date)::int AS overdue FROM action_items`,
    );
    say(`seeded in ${seedMs} ms: ${JSON.stringify(counts[0])}`);

    const board = (name: string, filter: (i: number) => ActionBoardFilter): Case => ({
      name,
      filter,
      run: (i) => actionBoard(database.db, { ...filter(i), limit: 50 }, NOW),
    });
    const cases: Case[] = [
      board('board:all', () => ({})),
      board('board:team', (i) => ({ team: team(i) })),
      board('board:owner', (i) => ({ owner: owner(i) })),
      board('board:service', (i) => ({ service: service(i % (2 * TEAMS)) })),
      board('board:status-open', () => ({ status: 'open' })),
      board('board:status-done', () => ({ status: 'done' })),
      board('board:overdue', () => ({ overdue: true })),
      board('board:team+open', (i) => ({ team: team(i), status: 'open' })),
      board('board:team+overdue', (i) => ({ team: team(i), overdue: true })),
      board('board:owner+open', (i) => ({ owner: owner(i), status: 'open' })),
      board('board:owner+overdue', (i) => ({ owner: owner(i), overdue: true })),
      board('board:service+overdue', (i) => ({ service: service(i % (2 * TEAMS)), overdue: true })),
      board('board:team+owner+open', (i) => ({ team: team(i), owner: `person-${(i % OWNERS_PER_TEAM) * TEAMS + (i % TEAMS)}`, status: 'open' })),
      board('board:team+service+overdue', (i) => ({ team: team(i), service: service(i % TEAMS), overdue: true })),
      board('board:team+open page 3', (i) => ({ team: team(i), status: 'open', offset: 100 })),
      // The board page also counts the matches and lists the filter menus.
      { name: 'count:all', run: () => countActionItems(database.db, {}, NOW) },
      { name: 'count:team', run: (i) => countActionItems(database.db, { team: team(i) }, NOW) },
      { name: 'count:team+overdue', run: (i) => countActionItems(database.db, { team: team(i), overdue: true }, NOW) },
      { name: 'facets', run: () => actionBoardFacets(database.db) },
      { name: 'digest', run: (i) => teamDigest(database.db, team(i), NOW, { services: [service(i % TEAMS), service((i % TEAMS) + TEAMS)] }) },
    ];

    const plans: Record<string, string[]> = {};
    for (const c of cases.filter((c) => c.filter)) {
      const f = c.filter!(1);
      // Status-less filters run as one query per status (see actionBoard); the open branch is shown.
      const q = database.db
        .select()
        .from(actionItems)
        .where(actionBoardConditions(f.status || f.overdue ? f : { ...f, status: 'open' }, NOW))
        .orderBy(asc(actionItems.dueDate), asc(actionItems.number))
        .limit(51)
        .offset(f.offset ?? 0)
        .toSQL();
      const { rows } = await database.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params);
      const used = new Set<string>();
      const walk = (node: Record<string, unknown>) => {
        if (typeof node['Index Name'] === 'string') used.add(`${node['Node Type'] as string} ${node['Index Name']}`);
        else if (node['Node Type'] === 'Seq Scan') used.add('Seq Scan');
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((rows[0]!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
      plans[c.name] = [...used];
    }

    const results: Record<string, { p50: number; p95: number; max: number; n: number }> = {};
    const all: number[] = [];
    for (const c of cases) {
      for (let i = 0; i < WARMUP; i++) await c.run(i);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const t = performance.now();
        await c.run(i);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      results[c.name] = { p50: percentile(times, 50), p95: percentile(times, 95), max: percentile(times, 100), n: times.length };
      say(`${c.name}: p50 ${results[c.name]!.p50} ms, p95 ${results[c.name]!.p95} ms`);
    }
    all.sort((a, b) => a - b);
    const worstP95 = Math.max(...Object.values(results).map((r) => r.p95));
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'dashboard',
        data: { incidents: INCIDENTS, actionItems: counts[0]!.items, open: counts[0]!.open, overdue: counts[0]!.overdue, teams: TEAMS, owners: TEAMS * OWNERS_PER_TEAM, services: SERVICES },
        seedMs,
        iterations: ITERATIONS,
        unit: 'ms',
        queries: results,
        overall: { p50: percentile(all, 50), p95: percentile(all, 95), max: percentile(all, 100) },
        worstP95,
        targetP95: 50,
        meetsTarget: worstP95 < 50,
        plans,
      })}\n`,
    );
  } finally {
    await handle.current?.close();
    // BENCH_KEEP_DB=1 leaves the seeded database for EXPLAIN ANALYZE sessions; it is dropped otherwise.
    if (process.env.BENCH_KEEP_DB === '1') say(`kept ${scratch.url}`);
    else await scratch.drop();
  }
}

main().catch((err: unknown) => {
  console.error('bench:dashboard failed:', err);
  process.exit(1);
});
