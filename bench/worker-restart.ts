// `npm run bench:restart`: how soon timers that fell due while no worker ran fire once a worker is
// back. Each round declares a SEV1 incident (no-commander nudge at 3 s, status reminder at 4 s under
// the test policy) with a 3 s read-logs grant on it, stops the worker, lets every deadline pass,
// starts a new worker on the same task queue and times, from the moment it runs, the two reminders
// and the grant's expiry (their rows' own timestamps). Temporal hands the workflows to the new
// worker once the old one's sticky queue times out (10 s by default), so that is the expected floor.
// These figures used to be "within 30 s" assertions in test/workflows/durability.test.ts and
// test/integration/access-postgres.test.ts.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { and, eq } from 'drizzle-orm';
import { createRecordingAccessNotifier } from '../activities/access/index.js';
import { declareIncident, getIncidentView, incidentHandle } from '../bots/workflow-client.js';
import { auditLog, timelineEvents } from '../db/schema/index.js';
import type { Actor } from '../domain/incident.js';
import { parsePolicy } from '../domain/policy/index.js';
import { requestAccessUpdate } from '../workflows/incident/messages.js';
import { percentile, quick, round, runBench, say, startBenchStack, type BenchStack } from './stack.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const GIVE_UP_MS = 120_000;
const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

const testPolicy = () => parsePolicy(readFileSync('test/fixtures/policy.yaml', 'utf8'), 'test/fixtures/policy.yaml');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Due {
  key: string;
  grant: string;
  /** The latest deadline of the round: nothing may be due after it when the worker comes back. */
  lastDueAt: number;
}

async function setUpRound(stack: BenchStack): Promise<Due> {
  const { key } = await declareIncident(stack, {
    idempotencyKey: `bench:${randomUUID()}`,
    title: 'Worker restart bench',
    severity: 'SEV1',
    services: ['payments'],
    source: 'cli',
    reporter: alice,
  });
  // The status reminder's due time appears once the workflow has its policy and is in triage.
  let view = await getIncidentView(stack, key);
  for (const until = Date.now() + GIVE_UP_MS; !(view.phase === 'triage' && view.statusUpdateDueAt) && Date.now() < until; view = await getIncidentView(stack, key)) await sleep(100);
  const requested = await incidentHandle(stack, key).executeUpdate(requestAccessUpdate, {
    args: [{ actor: alice, capabilities: ['read-logs'], durationSeconds: 3, reason: 'restart bench' }],
  });
  const statusDue = Date.parse(view.statusUpdateDueAt ?? '');
  if (requested.status !== 'active' || Number.isNaN(statusDue)) throw new Error(`round not set up: grant ${requested.status}, status due ${view.statusUpdateDueAt}`);
  return { key, grant: requested.grant, lastDueAt: Math.max(statusDue, Date.now() + 3_000) };
}

/** Milliseconds from `since` to the rows' own timestamps, polled until all three exist. */
async function firedAfter(stack: BenchStack, due: Due, since: number) {
  const db = stack.database.db;
  for (const until = Date.now() + GIVE_UP_MS; Date.now() < until; await sleep(50)) {
    const reminders = (await db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, due.key), eq(timelineEvents.kind, 'reminder')))).filter(
      (e) => e.occurredAt.getTime() >= since,
    );
    const at = (kind: string) => reminders.find((r) => r.details.reminder === kind)?.occurredAt.getTime();
    const [expiry] = await db.select().from(auditLog).where(and(eq(auditLog.subject, due.grant), eq(auditLog.action, 'access.expire')));
    const nudge = at('no_commander');
    const status = at('status_update');
    if (nudge && status && expiry) return { noCommanderMs: nudge - since, statusReminderMs: status - since, grantExpiryMs: expiry.at.getTime() - since };
  }
  throw new Error(`the overdue timers of ${due.key} did not fire within ${GIVE_UP_MS / 1000} s of the restart`);
}

async function main() {
  const stack = await startBenchStack({ name: 'restart', policy: testPolicy() });
  try {
    const rounds: Array<Awaited<ReturnType<typeof firedAfter>>> = [];
    // A grant whose credentials reach nobody is revoked at once; a recorder receives them.
    const edges = { accessNotifiers: [createRecordingAccessNotifier('bench-access')] };
    let worker = await stack.startWorker(edges);
    for (let i = 1; i <= ROUNDS; i += 1) {
      const due = await setUpRound(stack);
      worker.shutdown();
      while (worker.getState() !== 'STOPPED') await sleep(50);
      // The deadlines pass while no worker runs: that is the situation measured.
      await sleep(Math.max(0, due.lastDueAt - Date.now()) + 500);
      worker = await stack.startWorker(edges);
      const restartedAt = Date.now();
      const started = performance.now();
      const fired = await firedAfter(stack, due, restartedAt);
      say(`round ${i}/${ROUNDS}: nudge ${fired.noCommanderMs} ms, status reminder ${fired.statusReminderMs} ms, grant expiry ${fired.grantExpiryMs} ms after the restart (seen after ${Math.round(performance.now() - started)} ms)`);
      rounds.push(fired);
    }
    const summary = (pick: (r: (typeof rounds)[number]) => number) => {
      const sorted = rounds.map(pick).sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), max: round(sorted.at(-1)!) };
    };
    return {
      rounds: rounds.length,
      afterRestartMs: {
        noCommanderNudge: summary((r) => r.noCommanderMs),
        statusReminder: summary((r) => r.statusReminderMs),
        grantExpiry: summary((r) => r.grantExpiryMs),
        lastOfAll: summary((r) => Math.max(r.noCommanderMs, r.statusReminderMs, r.grantExpiryMs)),
      },
      each: rounds,
    };
  } finally {
    await stack.stop();
  }
}

runBench('restart', main);
