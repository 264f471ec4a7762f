// Firebreak in production shape (issue 16): a real Temporal server on Postgres, one
// FIREBREAK_ROLE=http process and two FIREBREAK_ROLE=worker processes, driven through signed Slack
// requests and the CLI. The same script of three incidents (one with an access grant that expires,
// all with their reminders) runs twice: once without faults, once with one worker SIGKILLed right
// after the grant is approved (the other carries on alone, no replacement is started: the grant's
// expiry falls due on it) and, once the incidents carry notes, the Temporal server stopped and
// started again before the reminders are checked and the incidents resolved. The rows both runs
// leave behind must be the same, incident by incident, without duplicates.

import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../db/admin.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { duplicates, snapshot, summarize } from '../chaos/harness.js';
import { startAccessTarget } from '../helpers/access.js';
import { buildWorkflowBundle, firebreakRun, type FirebreakProcess, type FirebreakRun, type WorkflowBundle } from '../helpers/firebreak-processes.js';
import type { PgCluster } from '../helpers/pg-cluster.js';
import { eventually } from '../helpers/system.js';
import { startTemporalCluster, type TemporalCluster } from '../helpers/temporal-cluster.js';
import { testLogPath } from '../helpers/test-log.js';
import { startSlackStandIn, type SlackStandIn } from '../standins/slack-api.js';
import * as act from './incidents.js';

const say = (line: string) => appendFileSync(testLogPath(), `${new Date().toISOString()} ${line}\n`);

let slack: SlackStandIn;
let target: PgCluster;
let cluster: TemporalCluster;
let database: ScratchDatabase;
let db: DatabaseHandle;
let bundle: WorkflowBundle;
let firebreak: FirebreakRun;
let http: FirebreakProcess;
let workers: FirebreakProcess[];
let people: act.People;

beforeAll(async () => {
  slack = await startSlackStandIn({ users: act.SLACK_USERS });
  // Independent, so side by side: the cluster mostly waits on Postgres while webpack bundles.
  [target, cluster, database, bundle] = await Promise.all([startAccessTarget(), startTemporalCluster({ log: say }), createScratchDatabase('firebreak_cluster'), buildWorkflowBundle()]);
  await runMigrations(database.url);
  db = connectDatabase(database.url);
  const taskQueue = `cluster-${randomUUID()}`;
  firebreak = firebreakRun(
    { temporalAddress: cluster.address, namespace: cluster.namespace, taskQueue, databaseUrl: database.url, slackApiUrl: slack.apiUrl, accessPostgresUrl: target.adminUrl },
    bundle,
    'firebreak-processes',
  );
  [http, ...workers] = await Promise.all([firebreak.start('http', 'http'), firebreak.start('worker', 'worker-1'), firebreak.start('worker', 'worker-2')]);
  people = { slack, httpUrl: http.url, db: db.db, temporal: { address: cluster.address, namespace: cluster.namespace, taskQueue }, accessAdminUrl: target.adminUrl };
  say(`cluster at ${cluster.address}; http ${http.url}; workers ${workers.map((w) => w.url).join(', ')}`);
}, 600_000);

afterAll(async () => {
  await firebreak?.stop();
  bundle?.remove();
  await cluster?.stop();
  await db?.close();
  await database?.drop();
  await target?.stop();
  await slack?.close();
}, 120_000);

interface Faults {
  /** While the grant is active and every incident is open. */
  afterApproval(): Promise<void>;
  /** Once the incidents carry notes; the grant's expiry and the reminders fall due meanwhile. */
  afterNotes(): Promise<void>;
}

interface RunResult {
  keys: string[];
  grant: string;
  channels: string[];
}

/** Three SEV3 incidents side by side: A from Slack with a grant, B from the CLI, C from Slack. */
async function script(faults: Faults): Promise<RunResult> {
  const p = people;
  const a = act.keyIn(await act.slash(p, 'U0ALICE', 'declare Checkout returns 502 sev:3 service:payments'));
  const b = act.keyIn(await act.cli(p, 'alice', ['declare', 'Search is slow', '--sev', '3', '--service', 'search']), /^(INC-\d+) declared$/m);
  const c = act.keyIn(await act.slash(p, 'U0BOB', 'declare Refund emails delayed sev:3'));
  const [channelA, channelC] = await Promise.all([act.channelOf(p, a), act.channelOf(p, c)]);

  const requested = await act.slash(p, 'U0ALICE', 'access db-readonly 5s checking 502s on /pay', channelA);
  const grant = act.keyIn(requested, /(GR-\d+) is waiting for approval/);
  const approved = await act.click(p, 'U0CAROL', 'grant_approve', grant, `D${slack.state.idPrefix}U0CAROL`);
  expect(approved).toMatch(new RegExp(`${grant} \\(db-readonly\\)`));
  await eventually(async () => (await act.grantStatus(p, grant)) === 'active' && (await act.loginRoleExists(p, grant)), 60_000, `${grant} active with its login role`);
  await faults.afterApproval();

  await act.slash(p, 'U0ALICE', 'note error rate up since the 14:00 deploy', channelA);
  await act.cli(p, 'carol', ['run', `${b} note p99 latency 4s on /search`]);
  await act.slash(p, 'U0BOB', 'note refund queue depth growing', channelC);
  await faults.afterNotes();

  await eventually(async () => (await act.grantStatus(p, grant)) === 'expired', 90_000, `${grant} expired`);
  await eventually(async () => !(await act.loginRoleExists(p, grant)), 60_000, `the login role of ${grant} dropped`);
  await Promise.all([a, b, c].map((key) => act.bothRemindersFired(p, key)));

  expect(await act.slash(p, 'U0BOB', 'role commander <@U0BOB|bob>', channelA)).toContain('mitigating');
  expect(await act.slash(p, 'U0BOB', 'mitigated rolled back the 14:00 deploy', channelA)).toContain('monitoring');
  expect(await act.slash(p, 'U0BOB', 'resolve error rate normal', channelA)).toContain('resolved');
  expect(await act.cli(p, 'carol', ['run', `${b} role commander @carol`])).toContain('mitigating');
  expect(await act.cli(p, 'carol', ['run', `${b} resolve reindexed the hot shard`])).toContain('resolved');
  expect(await act.slash(p, 'U0BOB', 'role commander <@U0BOB|bob>', channelC)).toContain('mitigating');
  expect(await act.slash(p, 'U0BOB', 'resolve drained the refund queue', channelC)).toContain('resolved');
  // SEV3 needs no postmortem: each incident closes once its 5 s reopen window is over.
  await Promise.all([a, b, c].map((key) => act.closed(p, key)));
  const channelB = await act.channelOf(p, b);
  return { keys: [a, b, c], grant, channels: [channelA, channelB, channelC] };
}

const noFaults: Faults = { afterApproval: async () => {}, afterNotes: async () => {} };

it('runs incidents through Slack and the CLI on a Temporal cluster with two workers, and a worker SIGKILL and a server restart change nothing', { timeout: 600_000 }, async () => {
  const clean = await script(noFaults);
  say(`fault-free run done: ${clean.keys.join(', ')}`);

  let downMs = 0;
  const faulty = await script({
    async afterApproval() {
      await workers[0]!.kill();
      expect(workers[0]!.exitReason()).toBe('was killed by SIGKILL');
      say('worker-1 SIGKILLed; worker-2 carries on alone');
    },
    async afterNotes() {
      ({ downMs } = await cluster.restart());
      say(`Temporal server stopped and started again (${downMs} ms)`);
    },
  });
  say(`run with faults done: ${faulty.keys.join(', ')}`);

  // Incident by incident, as the chaos scenarios compare: A (with the grant), B, C.
  for (const [i, name] of ['A', 'B', 'C'].entries()) {
    const [before, after] = [await snapshot(db.db, [clean.keys[i]!]), await snapshot(db.db, [faulty.keys[i]!])];
    say(`${name} fault-free: ${summarize(before)}\n${name} with faults: ${summarize(after, `worker-1 SIGKILLed, server down ${downMs} ms`)}`);
    expect(duplicates(before), `${name} fault-free`).toEqual([]);
    expect(duplicates(after), `${name} with faults`).toEqual([]);
    expect(after, `incident ${name}`).toEqual(before);
    expect(after.incidents.map((row) => /"phase":"(\w+)"/.exec(row)?.[1])).toEqual(['closed']);
    expect(after.timeline.filter((row) => row.startsWith('reminder')).length, `${name} reminder kinds`).toBeGreaterThanOrEqual(2);
  }
  const withGrant = await snapshot(db.db, [faulty.keys[0]!]);
  expect(withGrant.grants.map((g) => /"status":"(\w+)"/.exec(g)?.[1])).toEqual(['expired']);
  expect(withGrant.audit.filter((row) => row.startsWith('access.expire'))).toHaveLength(1);
  // Each reminder also reached people: Slack got at least one in every incident's channel.
  for (const channel of [...clean.channels, ...faulty.channels]) expect(act.remindersPosted(people, channel)).toBeGreaterThan(0);
  expect(workers[1]!.exitReason()).toBeUndefined();
  expect(http.exitReason()).toBeUndefined();
});
