// A real worker whose incidents page through the PagerDuty stand-in (and, when asked, the webhook
// pager's stand-in receiver): the notifier, the `page` activity and the escalation activities built
// as the worker builds them (activities/pagerduty/integration.ts), routing keys and the webhook's
// URL and secret read through platform/config from a test environment, DMs kept by a recording
// notifier, and every log line kept so tests can look for secrets in them. The worker can be
// restarted on the same task queue, as a deploy would. For the paging integration and security tests.

import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { createPagerDuty } from '../../activities/pagerduty/integration.js';
import { declareIncident } from '../../bots/workflow-client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import type { Severity } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { readPagerDuty } from '../../platform/config/index.js';
import { createLogger } from '../../platform/logger.js';
import { createRecordingPostmortemNotifier } from '../../activities/postmortem/ports.js';
import type { Policy } from '../../domain/policy/index.js';
import type { PostmortemNotice } from '../../workflows/postmortem/messages.js';
import { startPagerWebhookStandIn, type PagerWebhookStandIn } from '../standins/pager-webhook.js';
import { startPagerDutyStandIn, type PagerDutyStandIn } from '../standins/pagerduty.js';
import { alice } from './statuspage.js';
import { loadTestPolicy, startTestSystem, type TestSystem } from './system.js';

export const PAYMENTS_KEY = 'R0PAYMENTS0123456789abcdefABCDEF';
export const SEARCH_KEY = 'R0SEARCH000123456789abcdefABCDEF';
/** Short enough that a 429 retry finishes within a test; production waits 30 s. */
export const TEST_RATE_LIMIT_WAIT_MS = 1000;

export interface PagingEnv {
  system: TestSystem;
  pd: PagerDutyStandIn;
  /** Set when started with `webhook`. */
  hook?: PagerWebhookStandIn;
  logLines: string[];
  /** DMs (and other person notices) the escalations sent, across worker restarts. */
  dms: PostmortemNotice[];
  /** Stops the worker (its activities finish first) and starts a new one on the same task queue. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface PagingEnvOptions {
  /** Page through the webhook stand-in too (every service unless the policy change says otherwise). */
  webhook?: boolean;
  /** Changes to the fixture policy (ackWithin, escalation, webhook services). */
  policy?: (policy: Policy) => void;
}

export const WEBHOOK_URL_ENV = 'FIREBREAK_TEST_PAGER_WEBHOOK_URL';
export const WEBHOOK_SECRET_ENV = 'FIREBREAK_TEST_PAGER_WEBHOOK_SECRET';

export async function startPagingEnv(options: PagingEnvOptions = {}): Promise<PagingEnv> {
  const pd = await startPagerDutyStandIn();
  const hook = options.webhook ? await startPagerWebhookStandIn() : undefined;
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: capture });
  const policy = loadTestPolicy();
  if (hook && policy.paging) policy.paging.webhook = { urlEnv: WEBHOOK_URL_ENV, secretEnv: WEBHOOK_SECRET_ENV };
  options.policy?.(policy);
  const database: DatabaseHandle = connectDatabase(inject('databaseUrl'));
  const config = readPagerDuty({
    PAGERDUTY_EVENTS_URL: pd.url,
    FIREBREAK_TEST_PAGERDUTY_PAYMENTS: PAYMENTS_KEY,
    FIREBREAK_TEST_PAGERDUTY_SEARCH: SEARCH_KEY,
    ...(hook ? { [WEBHOOK_URL_ENV]: hook.url, [WEBHOOK_SECRET_ENV]: hook.secret } : {}),
  });
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const pagerDuty = createPagerDuty({ db: database.db, policy: () => policy, redactor, logger, config, rateLimitWaitMs: TEST_RATE_LIMIT_WAIT_MS });
  const recorder = createRecordingPostmortemNotifier('dm-recorder');
  const start = (taskQueue?: string) =>
    startTestSystem({ policy, logger, notifiers: [pagerDuty.notifier], activities: pagerDuty.activities, postmortemNotifiers: [recorder], ...(taskQueue ? { taskQueue } : {}) });
  const env: PagingEnv = {
    system: await start(),
    pd,
    ...(hook ? { hook } : {}),
    logLines,
    dms: recorder.notices,
    async restartWorker() {
      const { taskQueue } = env.system;
      await env.system.stop();
      env.system = await start(taskQueue);
    },
    async stop() {
      await env.system.stop();
      await database.close();
      await pd.stop();
      await hook?.stop();
    },
  };
  return env;
}

/** An incident on `services`, declared by alice; its key is also the dedup key of its own page. */
export async function declare(system: TestSystem, severity: Severity, title: string, services = ['payments']): Promise<string> {
  const { key } = await declareIncident(system, { idempotencyKey: `paging-test:${randomUUID()}`, title, severity, services, source: 'slack', reporter: alice });
  return key;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
