// Everything an incident that starts from monitoring touches, wired as the worker wires it: a real
// Prometheus Alertmanager delivering to the alerts front-end, a real worker whose notifiers are
// Slack's (against the Slack stand-in, with the real Bolt app behind a real HTTP server) and
// PagerDuty's (against its stand-in), and the public status page on the same HTTP server as the
// alert routes. For the end-to-end alert → page → status → resolution test.

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createPagerDuty } from '../../activities/pagerduty/integration.js';
import { createAlertsInbound } from '../../bots/alerts/integration.js';
import { connectDatabase } from '../../db/client.js';
import { createRedactor } from '../../domain/redact.js';
import type { Config } from '../../platform/config/index.js';
import { readPagerDuty } from '../../platform/config/index.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { statusPageRoutes } from '../../web/status/routes.js';
import { startPagerDutyStandIn, type PagerDutyStandIn } from '../standins/pagerduty.js';
import { ALERTMANAGER_TOKEN, alertsTestPolicy, startAlertmanager, type Alertmanager } from './alertmanager.js';
import { TEST_RATE_LIMIT_WAIT_MS } from './paging.js';
import { startSlackHarness, type SlackHarness } from './slack-system.js';
import { testLogger } from './test-log.js';

export const E2E_ROUTING_KEY = 'R0E2E0000123456789abcdefABCDEF01';

export interface AlertLifecycleEnv {
  slack: SlackHarness;
  pd: PagerDutyStandIn;
  alertmanager: Alertmanager;
  /** The alert routes and the status page. */
  http: RunningServer;
  /** A service of this file's own: routed from `service=<name>`, paged, and shown as `component`. */
  service: string;
  component: string;
  get(path: string): Promise<{ status: number; type: string; body: string }>;
  stop(): Promise<void>;
}

export async function startAlertLifecycleEnv(): Promise<AlertLifecycleEnv> {
  const id = randomUUID().slice(0, 8);
  const service = `storefront-${id}`;
  const component = `Storefront-${id}`;
  const policy = alertsTestPolicy(service);
  policy.paging!.pagerduty.services[service] = { routingKeyEnv: 'FIREBREAK_TEST_PAGERDUTY_E2E' };
  policy.statusPage!.components.push({ name: component, services: [service] });

  const logger = testLogger();
  const pd = await startPagerDutyStandIn();
  const pagingDb = connectDatabase(inject('databaseUrl'));
  const pagerDuty = createPagerDuty({
    db: pagingDb.db,
    policy: () => policy,
    redactor: createRedactor({ extraPatterns: policy.redaction.patterns }),
    logger,
    config: readPagerDuty({ PAGERDUTY_EVENTS_URL: pd.url, FIREBREAK_TEST_PAGERDUTY_E2E: E2E_ROUTING_KEY }),
    rateLimitWaitMs: TEST_RATE_LIMIT_WAIT_MS,
  });
  const slack = await startSlackHarness({ policy, activities: pagerDuty.activities, extraNotifiers: [pagerDuty.notifier] });
  const { system } = slack;
  const alerts = createAlertsInbound(
    { config: {} as Config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger },
    { ...process.env, FIREBREAK_TEST_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN },
  )!;
  const http = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger,
    routes: [...alerts.routes, ...statusPageRoutes({ db: system.database.db, policy, publicUrl: 'https://status.example.test' })],
  });
  const alertmanager = await startAlertmanager(`${http.url}/alerts/alertmanager`);
  return {
    slack,
    pd,
    alertmanager,
    http,
    service,
    component,
    async get(path) {
      const res = await fetch(`${http.url}${path}`);
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    },
    async stop() {
      await alertmanager.stop();
      await http.close();
      await slack.stop();
      await pagingDb.close();
      await pd.stop();
    },
  };
}
