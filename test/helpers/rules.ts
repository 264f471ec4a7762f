// A real worker whose incidents run automation rules: the PagerDuty stand-in behind the `page`
// step (the paging integration built as the worker builds it, as in test/helpers/paging.ts), the
// Slack stand-in behind `post` (activities/slack/rule-steps.ts on the real Slack client), and a
// policy whose `rules:` a test file chooses. The worker can be stopped and started again on the
// same task queue between a rule's steps, as a deploy would.

import { inject } from 'vitest';
import { createPagerDuty } from '../../activities/pagerduty/integration.js';
import { createSlackApi, createSlackWebClient, type SlackApi } from '../../activities/slack/client.js';
import { createSlackRuleActivities } from '../../activities/slack/rule-steps.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { parsePolicy, type Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { readPagerDuty } from '../../platform/config/index.js';
import { startPagerDutyStandIn, type PagerDutyStandIn } from '../standins/pagerduty.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { FIXTURE_POLICY_TEXT } from './grammar.js';
import { PAYMENTS_KEY, SEARCH_KEY, TEST_RATE_LIMIT_WAIT_MS } from './paging.js';
import { startTestSystem, type TestSystem } from './system.js';
import { testLogger } from './test-log.js';

export interface RulesEnv {
  system: TestSystem;
  pd: PagerDutyStandIn;
  slack: SlackStandIn;
  slackApi: SlackApi;
  policy: Policy;
  /** Stops the worker (its activities finish first) and starts a new one on the same task queue. */
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** `rulesYaml` is the policy's `rules:` section, parsed with the fixture policy as a worker parses its file. */
export async function startRulesEnv(rulesYaml: string): Promise<RulesEnv> {
  const pd = await startPagerDutyStandIn();
  const slack = await startSlackStandIn();
  const slackApi = createSlackApi(createSlackWebClient({ token: VALID_TOKEN, apiUrl: slack.apiUrl }));
  const policy = parsePolicy(`${FIXTURE_POLICY_TEXT}\n${rulesYaml}`, 'policy.yaml');
  const logger = testLogger();
  const database: DatabaseHandle = connectDatabase(inject('databaseUrl'));
  const config = readPagerDuty({ PAGERDUTY_EVENTS_URL: pd.url, FIREBREAK_TEST_PAGERDUTY_PAYMENTS: PAYMENTS_KEY, FIREBREAK_TEST_PAGERDUTY_SEARCH: SEARCH_KEY });
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const pagerDuty = createPagerDuty({ db: database.db, policy: () => policy, redactor, logger, config, rateLimitWaitMs: TEST_RATE_LIMIT_WAIT_MS });
  const slackSteps = createSlackRuleActivities({ api: slackApi, db: database.db, policy: () => policy, logger });
  const start = (taskQueue?: string) =>
    startTestSystem({ policy, logger, notifiers: [pagerDuty.notifier], activities: { ...pagerDuty.activities, ...slackSteps }, ...(taskQueue ? { taskQueue } : {}) });
  let taskQueue: string | undefined;
  const env: RulesEnv = {
    system: await start(),
    pd,
    slack,
    slackApi,
    policy,
    async stopWorker() {
      taskQueue = env.system.taskQueue;
      await env.system.stop();
    },
    async startWorker() {
      env.system = await start(taskQueue);
    },
    async restartWorker() {
      await env.stopWorker();
      await env.startWorker();
    },
    async stop() {
      await env.system.stop();
      await database.close();
      await pd.stop();
      await slack.close();
    },
  };
  return env;
}
