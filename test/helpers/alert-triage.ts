// Triage and suppression end to end for one test file: a real worker and real activities, the Slack
// integration as `npm start` builds it (its triage activities registered on the worker), the alerts
// front-end, both on one real HTTP server, and the Slack Web API stand-in.

import { randomUUID } from 'node:crypto';
import { and, arrayContains, eq, like } from 'drizzle-orm';
import { inject } from 'vitest';
import { createAlertsInbound } from '../../bots/alerts/integration.js';
import { auditLog, incidents, timelineEvents } from '../../db/schema/index.js';
import type { SuppressionWindow } from '../../domain/alerts/index.js';
import { parseEnv } from '../../platform/config/index.js';
import { createRedactor } from '../../domain/redact.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { slackIntegration, type Integration } from '../../worker/integrations.js';
import { alertGroupStateQuery, alertGroupWorkflowId, type AlertGroupView } from '../../workflows/alert-group/messages.js';
import { startSlackStandIn, VALID_TOKEN, type SlackStandIn } from '../standins/slack-api.js';
import { alertsTestPolicy, UPTIME_TOKEN } from './alertmanager.js';
import { blockAction, postSigned, SIGNING_SECRET } from './slack-requests.js';
import { startTestSystem, type TestSystem } from './system.js';
import { testLogger } from './test-log.js';

export interface TriageSystem {
  system: TestSystem;
  slack: SlackStandIn;
  server: RunningServer;
  /** Routed with action triage; `declaring` is a declare route, for suppression tests. */
  service: string;
  declaring: string;
  /** POSTs one generic-HTTP alert (source `uptime`) for `service`. */
  fire(key: string, service: string, status?: 'firing' | 'resolved', extra?: Record<string, string>): Promise<number>;
  group(key: string): Promise<AlertGroupView | undefined>;
  workflowId(key: string): string;
  /** Clicks a triage button as a Slack user; returns what the person was told (once told). */
  click(action: 'alert_triage_accept' | 'alert_triage_decline', value: string, user?: { id: string; name: string }): Promise<{ status: number; replyId: string }>;
  reply(replyId: string): Record<string, unknown> | undefined;
  incidents(service: string): Promise<(typeof incidents.$inferSelect)[]>;
  audit(workflowId: string): Promise<(typeof auditLog.$inferSelect)[]>;
  timeline(incident: string, text?: string): Promise<(typeof timelineEvents.$inferSelect)[]>;
  stop(): Promise<void>;
}

export async function startTriageSystem(options: { suppress?: (services: { service: string; declaring: string }) => SuppressionWindow[] } = {}): Promise<TriageSystem> {
  const service = `triage-${randomUUID().slice(0, 8)}`;
  const declaring = `${service}-d`;
  const policy = alertsTestPolicy(service, declaring);
  policy.alerts!.routes[0]!.action = 'triage';
  policy.alerts!.suppress = options.suppress?.({ service, declaring }) ?? [];
  // People in no team may note and pin, not declare: so they may not decide a triage either.
  policy.guests = { may: ['note', 'pin'] };
  const slack = await startSlackStandIn({ users: [{ id: 'U0DAVE', name: 'dave', real_name: 'Dave Outsider' }] });
  const built: { integration?: Integration } = {};
  const lazy =
    (name: string) =>
    (...args: unknown[]) =>
      (built.integration!.activities![name] as (...a: unknown[]) => Promise<unknown>)(...args);
  const system = await startTestSystem({
    policy,
    notifiers: [{ name: 'slack', notify: (notice) => built.integration!.notifiers[0]!.notify(notice) }],
    activities: { postAlertTriage: lazy('postAlertTriage'), updateAlertTriage: lazy('updateAlertTriage') },
  });
  const logger = testLogger();
  const config = parseEnv({ DATABASE_URL: inject('databaseUrl'), SLACK_BOT_TOKEN: VALID_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  const ctx = { config, policy, db: system.database.db, client: system.client, taskQueue: system.taskQueue, logger };
  const integration = await slackIntegration({ ...ctx, redactor: createRedactor({ extraPatterns: policy.redaction.patterns }) });
  if (!integration) throw new Error('the Slack integration did not build');
  built.integration = integration;
  await integration.start?.();
  const alerts = createAlertsInbound(ctx, { FIREBREAK_TEST_UPTIME_TOKEN: UPTIME_TOKEN })!;
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: [...integration.routes, ...alerts.routes] });
  const db = system.database.db;
  const workflowId = (key: string) => alertGroupWorkflowId('uptime', key);
  return {
    system,
    slack,
    server,
    service,
    declaring,
    workflowId,
    async fire(key, of, status = 'firing', extra = {}) {
      const body = { status, title: `Probe${key.slice(-6)}`, deduplication_key: key, metadata: { service: of, severity: 'critical', ...extra } };
      const res = await fetch(`${server.url}/alerts/http/uptime`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${UPTIME_TOKEN}` },
        body: JSON.stringify(body),
      });
      return res.status;
    },
    async group(key) {
      try {
        return await system.client.workflow.getHandle(workflowId(key)).query(alertGroupStateQuery);
      } catch {
        return undefined;
      }
    },
    async click(action, value, user = { id: 'U0ALICE', name: 'alice' }) {
      const replyId = randomUUID();
      const res = await postSigned(server.url, blockAction({ actionId: action, value, user: user.id, userName: user.name, channel: 'C0INCIDENTS', responseUrl: slack.responseUrl(replyId) }));
      return { status: res.status, replyId };
    },
    reply: (id) => slack.responses.find((r) => r.id === id)?.body,
    incidents: (of) => db.select().from(incidents).where(arrayContains(incidents.services, [of])),
    audit: (subject) => db.select().from(auditLog).where(eq(auditLog.subject, subject)),
    timeline: (incident, text = '%') => db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), like(timelineEvents.text, text))),
    async stop() {
      await integration.stop?.();
      await server.close();
      await system.stop();
      await slack.close();
    },
  };
}
