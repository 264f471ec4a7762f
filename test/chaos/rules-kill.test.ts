// kill -9 the worker between the two steps of an automation rule: a SEV1 declared at night sets off
// a rule that pages payments (through the PagerDuty stand-in) and posts in #ops-night (the Slack
// stand-in). The process stops dead right after the page step's activity did its work (before
// Temporal heard of it), is killed, and a new worker takes over. The rule's page and its post must
// each happen exactly once, and the timeline must hold the run's start and finish once each.

import { randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { declareIncident, type TemporalContext } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { timelineEvents } from '../../db/schema/index.js';
import { createSlackApi, createSlackWebClient } from '../../activities/slack/client.js';
import { PAYMENTS_KEY } from '../helpers/paging.js';
import { eventually } from '../helpers/system.js';
import { startPagerDutyStandIn, type PagerDutyStandIn } from '../standins/pagerduty.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { connectClient, startChildWorker, type ChildWorker } from './harness.js';

const RULES = `
rules:
  night-sev1:
    when: declared
    if: { severity: [SEV1] }
    then:
      - page: { service: payments, reason: SEV1 at night }
      - post: { channel: "#ops-night", text: "{incident}: payments paged" }
`;

let pd: PagerDutyStandIn;
let slack: SlackStandIn;
let db: DatabaseHandle;
let temporal: Awaited<ReturnType<typeof connectClient>>;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  pd = await startPagerDutyStandIn();
  slack = await startSlackStandIn();
  await createSlackApi(createSlackWebClient({ token: VALID_TOKEN, apiUrl: slack.apiUrl })).call('conversations.create', { name: 'ops-night' });
  db = connectDatabase(inject('databaseUrl'));
  temporal = await connectClient(inject('temporalAddress'), inject('temporalNamespace'));
});
afterAll(async () => {
  await temporal?.close();
  for (const w of workers) await w.stop();
  await db?.close();
  await pd?.stop();
  await slack?.close();
});

async function worker(taskQueue: string, env: Record<string, string> = {}): Promise<ChildWorker> {
  const started = await startChildWorker(
    { address: inject('temporalAddress'), namespace: inject('temporalNamespace'), taskQueue },
    {
      RULES_YAML: RULES,
      PAGERDUTY_EVENTS_URL: pd.url,
      FIREBREAK_TEST_PAGERDUTY_PAYMENTS: PAYMENTS_KEY,
      SLACK_BOT_TOKEN: VALID_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      ...env,
    },
  );
  // startChildWorker has already waited for its `running` line.
  workers.push(started);
  return started;
}

it('pages and posts exactly once when the worker is killed between the rule\'s steps', async () => {
  const taskQueue = `chaos-rules-${randomUUID()}`;
  const first = await worker(taskQueue, { STALL_AFTER: 'runRuleIncidentStep' });
  const ctx: TemporalContext = { client: temporal.client, taskQueue };
  const { key } = await declareIncident(ctx, {
    idempotencyKey: `chaos-rules:${randomUUID()}`,
    title: 'Checkout down at night',
    severity: 'SEV1',
    services: ['payments'],
    source: 'slack',
    reporter: { source: 'slack', id: 'U0ALICE', name: 'alice' },
  });
  await first.waitFor('stalled');
  expect(await first.kill()).toBe('SIGKILL');
  await worker(taskQueue);

  const ruleEntries = async () =>
    (
      await db.db
        .select({ text: timelineEvents.text })
        .from(timelineEvents)
        .where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, 'Rule %')))
        .orderBy(asc(timelineEvents.id))
    ).map((r) => r.text);
  await eventually(async () => (await ruleEntries()).some((t) => t.startsWith('Rule night-sev1 finished')), 240_000, 'the rule run to finish');
  await eventually(async () => pd.accepted({ routingKey: PAYMENTS_KEY, action: 'trigger' }).some((b) => String(b.dedup_key).startsWith(`${key}:page:`)), 120_000, 'the rule\'s page');
  expect(await ruleEntries()).toEqual(['Rule night-sev1 started (when the incident is declared; once per incident).', 'Rule night-sev1 finished: 2 steps done']);
  const rulePages = pd.accepted({ routingKey: PAYMENTS_KEY, action: 'trigger' }).filter((b) => String(b.dedup_key).startsWith(`${key}:page:`));
  expect(rulePages).toHaveLength(1);
  const paged = await db.db
    .select({ text: timelineEvents.text })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, key), like(timelineEvents.text, 'Paged payments%')))
    .orderBy(asc(timelineEvents.id));
  expect(paged).toEqual([{ text: 'Paged payments through PagerDuty: SEV1 at night' }]);
  expect((slack.channelNamed('ops-night')?.messages ?? []).map((m) => m.text)).toEqual([`${key}: payments paged`]);
});
