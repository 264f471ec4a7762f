// `npm run bench:alerts`: Alertmanager-format deliveries at 20/s (ten times PagerDuty's per-key
// limit) for 20 s across 200 groups, with concurrent twins, re-sends and resolutions mixed in
// (bench/alerts-plan.ts says exactly what is sent). Open loop: each delivery leaves at its time
// whether or not earlier ones were answered. Measured: the intake's HTTP answer at the client; how
// many incidents were declared against how many should be (each declaring group is its own
// service), duplicates; and, per declared incident, the time from its group's first firing
// delivery leaving to the Slack stand-in recording `pins.add` of the summary in its channel.
// The real stack as `npm start` wires it (bench/stack.ts), alert intake and Slack in one process.
// Flags: --seconds, --rate, --groups (or BENCH_SECONDS, BENCH_RATE, BENCH_GROUPS).

import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, arrayOverlaps, eq } from 'drizzle-orm';
import { createAlertsInbound } from '../bots/alerts/integration.js';
import { incidents } from '../db/schema/index.js';
import { slackIntegration } from '../worker/integrations.js';
import { startHttpServer } from '../platform/http/server.js';
import { outboundActivityDeps as integrationActivityDeps } from '../activities/outbound.js';
import { parseEnv } from '../platform/config/index.js';
import { alertGroupStateQuery, alertGroupWorkflowId } from '../workflows/alert-group/messages.js';
import { SIGNING_SECRET } from '../test/helpers/slack-requests.js';
import { startSlackStandIn, VALID_TOKEN } from '../test/standins/slack-api.js';
import { benchPolicy, planDeliveries, type PlannedDelivery } from './alerts-plan.js';
import { cpuSnapshot, cpuSpent } from './alerts-cpu.js';
import { channelMoments, stageSpreads, workDone, workflowStartedAt, type IncidentMoments } from './alerts-stages.js';
import { examplePolicy, percentile, quick, round, say, startBenchStack } from './stack.js';

const setting = (flag: string, env: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${flag}`);
  const value = Number(at >= 0 ? process.argv[at + 1] : (process.env[env] ?? fallback));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} (${env}) must be a positive number`);
  return value;
};
const RATE = setting('rate', 'BENCH_RATE', 20);
const SECONDS = setting('seconds', 'BENCH_SECONDS', quick ? 5 : 20);
const GROUPS = Math.round(setting('groups', 'BENCH_GROUPS', quick ? 50 : 200));
/** How long, after the last answer, every expected incident may take to be declared and pinned. */
const SETTLE_TIMEOUT_MS = 120_000;
const SOURCE = 'alertmanager';
const TOKEN_ENV = 'ALERTMANAGER_TOKEN';

interface Sent {
  delivery: PlannedDelivery;
  sentAt: number;
  ms: number;
  status: number | string;
}

async function main() {
  const run = randomBytes(3).toString('hex');
  const token = `bench-${randomUUID()}`;
  const plan = planDeliveries(run, GROUPS, Math.round(RATE * SECONDS), new Date());
  const base = examplePolicy();
  if (base.alerts?.sources[SOURCE]?.tokenEnv !== TOKEN_ENV) throw new Error(`the example policy's alert source "${SOURCE}" no longer reads ${TOKEN_ENV}`);
  const policy = benchPolicy(base, plan.groups);
  const slack = await startSlackStandIn();
  const stack = await startBenchStack({ name: 'alerts', policy });
  try {
    const config = parseEnv({ DATABASE_URL: stack.databaseUrl, SLACK_BOT_TOKEN: VALID_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
    const integration = await slackIntegration({ config, policy, db: stack.database.db, client: stack.client, taskQueue: stack.taskQueue, logger: stack.logger, redactor: stack.redactor });
    if (!integration) throw new Error('the Slack integration did not build');
    const alerts = createAlertsInbound({ config, policy, db: stack.database.db, client: stack.client, taskQueue: stack.taskQueue, logger: stack.logger }, { ...process.env, [TOKEN_ENV]: token });
    if (!alerts) throw new Error('the alert intake did not build');
    await stack.startWorker({ ...integrationActivityDeps([integration]), extra: integration.activities });
    const http = await startHttpServer({ port: 0, host: '127.0.0.1', logger: stack.logger, routes: [...integration.routes, ...alerts.routes] });
    await integration.start?.();

    const declaring = plan.groups.filter((g) => g.declares).length;
    say(`run ${run}: ${plan.deliveries.length} deliveries at ${RATE}/s over ${GROUPS} groups (${declaring} declare, ${GROUPS - declaring} notify); ${plan.expectedIncidents} incidents expected`);
    const url = `${http.url}/alerts/alertmanager`;
    const temporalPort = stack.temporal.address.split(':').pop()!;
    const databaseName = new URL(stack.databaseUrl).pathname.slice(1);
    const cpuBefore = cpuSnapshot(temporalPort, databaseName);
    const loadStarted = performance.now();
    const send = async (delivery: PlannedDelivery): Promise<Sent> => {
      const sentAt = Date.now();
      const began = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(delivery.body) });
        await res.arrayBuffer();
        return { delivery, sentAt, ms: performance.now() - began, status: res.status };
      } catch (err) {
        return { delivery, sentAt, ms: performance.now() - began, status: String(err) };
      }
    };
    const { sent, sendSeconds } = await openLoop(plan.deliveries, RATE, send);
    const answeredAt = performance.now();
    const accepted = sent.filter((s) => s.status === 202);
    say(`sent in ${round(sendSeconds)} s; ${accepted.length} accepted; waiting for the incidents and their pinned summaries`);

    const services = plan.groups.map((g) => g.service);
    const declared = () =>
      stack.database.db
        .select({ key: incidents.key, services: incidents.services, sourceRef: incidents.sourceRef, declaredAt: incidents.declaredAt })
        .from(incidents)
        .where(and(eq(incidents.source, 'alerts'), arrayOverlaps(incidents.services, services)));
    const acceptedPerGroup = new Map<number, number>();
    for (const s of accepted) acceptedPerGroup.set(s.delivery.group, (acceptedPerGroup.get(s.delivery.group) ?? 0) + 1);
    const applied = async () => {
      // A group has applied everything once its workflow counted every accepted delivery.
      const views = await Promise.all(
        plan.groups.filter((g) => acceptedPerGroup.has(g.index)).map(async (g) => {
          try {
            const view = await stack.client.workflow.getHandle(alertGroupWorkflowId(SOURCE, g.groupKey)).query(alertGroupStateQuery);
            return view.deliveries >= acceptedPerGroup.get(g.index)!;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          }
        }),
      );
      return views.every(Boolean);
    };
    let rows = await declared();
    let settled = false;
    for (const deadline = Date.now() + SETTLE_TIMEOUT_MS; Date.now() < deadline; ) {
      rows = await declared();
      if (rows.length >= plan.expectedIncidents && rows.every((r) => channelMoments(slack, r.key).pinnedAt !== undefined) && (await applied())) {
        settled = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const settleSeconds = (performance.now() - answeredAt) / 1000;
    const cpu = cpuSpent(cpuBefore, cpuSnapshot(temporalPort, databaseName), (performance.now() - loadStarted) / 1000);
    await http.close();
    await integration.stop?.();

    const perService = new Map<string, number>();
    for (const r of rows) for (const s of r.services) perService.set(s, (perService.get(s) ?? 0) + 1);
    const perGroupRef = new Map<string, number>();
    for (const r of rows) perGroupRef.set(r.sourceRef ?? '', (perGroupRef.get(r.sourceRef ?? '') ?? 0) + 1);
    const duplicates = [...perService.values()].reduce((n, c) => n + c - 1, 0);
    const notifyServices = new Set(plan.groups.filter((g) => !g.declares).map((g) => g.service));
    const unexpected = rows.filter((r) => r.services.some((s) => notifyServices.has(s))).length;

    const firstFiring = new Map<string, number>();
    for (const s of sent) {
      if (s.delivery.body.status !== 'firing') continue;
      const service = plan.groups[s.delivery.group]!.service;
      firstFiring.set(service, Math.min(firstFiring.get(service) ?? Infinity, s.sentAt));
    }
    const groupOf = new Map(plan.groups.map((g) => [g.service, g]));
    const moments: IncidentMoments[] = await Promise.all(
      rows.flatMap((r) => {
        const group = groupOf.get(r.services[0] ?? '');
        const firstSentAt = group && firstFiring.get(group.service);
        if (!group || firstSentAt === undefined) return [];
        return [
          workflowStartedAt(stack.client, alertGroupWorkflowId(SOURCE, group.groupKey)).then((started) => ({
            firstSentAt,
            ...(started !== undefined ? { workflowStartedAt: started } : {}),
            declaredAt: r.declaredAt.getTime(),
            ...channelMoments(slack, r.key),
          })),
        ];
      }),
    );
    const toSummary = moments.flatMap((m) => (m.pinnedAt !== undefined ? [m.pinnedAt - m.firstSentAt] : [])).sort((a, b) => a - b);

    const intake = accepted.map((s) => s.ms).sort((a, b) => a - b);
    const byKind = Object.fromEntries(
      [...new Set(sent.map((s) => s.delivery.kind))].sort().map((kind) => {
        const of = accepted.filter((s) => s.delivery.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
        return [kind, { sent: sent.filter((s) => s.delivery.kind === kind).length, p50Ms: percentile(of, 50), p99Ms: percentile(of, 99) }];
      }),
    );
    const errors = sent.filter((s) => s.status !== 202);
    return {
      run,
      rate: RATE,
      seconds: SECONDS,
      groups: { total: GROUPS, declare: declaring, notify: GROUPS - declaring },
      deliveries: { sent: sent.length, accepted: accepted.length, errors: errors.length, achievedRate: round(sent.length / (sendSeconds + 1 / RATE)), byKind },
      errorSamples: [...new Set(errors.map((e) => `${e.delivery.kind}: ${e.status}`))].slice(0, 5),
      intakeMs: { p50: percentile(intake, 50), p99: percentile(intake, 99), max: percentile(intake, 100) },
      incidents: { expected: plan.expectedIncidents, declared: rows.length, duplicates, duplicateGroups: [...perGroupRef.values()].filter((c) => c > 1).length, fromNotifyGroups: unexpected, pinned: toSummary.length },
      firstAlertToPinnedSummaryMs: { p50: percentile(toSummary, 50), p95: percentile(toSummary, 95), max: percentile(toSummary, 100) },
      stagesMs: stageSpreads(moments),
      cpuSeconds: cpu,
      temporalWork: await workDone(stack.client),
      settled,
      settleSeconds: round(settleSeconds),
      slackApiCalls: slack.calls.length,
    };
  } finally {
    await stack.stop();
    await slack.close();
  }
}

/**
 * Sends delivery n at n/rate seconds (a concurrent twin with the one before it, so the average
 * stays `rate`), without waiting for earlier answers.
 */
async function openLoop(deliveries: PlannedDelivery[], rate: number, send: (d: PlannedDelivery) => Promise<Sent>): Promise<{ sent: Sent[]; sendSeconds: number }> {
  const dueMs: number[] = [];
  for (const [n, d] of deliveries.entries()) dueMs.push(d.withPrevious && n > 0 ? dueMs[n - 1]! : (n * 1000) / rate);
  const inFlight: Promise<Sent>[] = [];
  const start = performance.now();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      while (inFlight.length < deliveries.length && dueMs[inFlight.length]! <= elapsed) inFlight.push(send(deliveries[inFlight.length]!));
      if (inFlight.length >= deliveries.length) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  const sendSeconds = (performance.now() - start) / 1000;
  return { sent: await Promise.all(inFlight), sendSeconds };
}

// As runBench, but a duplicate incident (or one for a group that only notifies) is a failure.
main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify({ benchmark: 'alerts', ...result })}\n`);
    process.exit(result.incidents.duplicates > 0 || result.incidents.fromNotifyGroups > 0 ? 1 : 0);
  },
  (err: unknown) => {
    console.error('bench:alerts failed:', err);
    process.exit(1);
  },
);
