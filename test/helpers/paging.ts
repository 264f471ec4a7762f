// A real worker whose incidents page through the PagerDuty stand-in: the notifier and the `page`
// activity built as the worker builds them (activities/pagerduty/integration.ts), routing keys read
// through platform/config from a test environment, and every log line kept so tests can look for
// the routing keys in them. For the paging integration and security tests.

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
  logLines: string[];
  stop(): Promise<void>;
}

export async function startPagingEnv(): Promise<PagingEnv> {
  const pd = await startPagerDutyStandIn();
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination: capture });
  const policy = loadTestPolicy();
  const database: DatabaseHandle = connectDatabase(inject('databaseUrl'));
  const config = readPagerDuty({ PAGERDUTY_EVENTS_URL: pd.url, FIREBREAK_TEST_PAGERDUTY_PAYMENTS: PAYMENTS_KEY, FIREBREAK_TEST_PAGERDUTY_SEARCH: SEARCH_KEY });
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const pagerDuty = createPagerDuty({ db: database.db, policy: () => policy, redactor, logger, config, rateLimitWaitMs: TEST_RATE_LIMIT_WAIT_MS });
  const system = await startTestSystem({ policy, logger, notifiers: [pagerDuty.notifier], activities: pagerDuty.activities });
  return {
    system,
    pd,
    logLines,
    async stop() {
      await system.stop();
      await database.close();
      await pd.stop();
    },
  };
}

/** An incident on `services`, declared by alice; its key is also the dedup key of its own page. */
export async function declare(system: TestSystem, severity: Severity, title: string, services = ['payments']): Promise<string> {
  const { key } = await declareIncident(system, { idempotencyKey: `paging-test:${randomUUID()}`, title, severity, services, source: 'slack', reporter: alice });
  return key;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
