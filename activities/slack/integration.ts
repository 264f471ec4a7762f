// Everything Firebreak sends to Slack: the incident notifier (channel, summary, timeline), access
// notices and credentials, sandbox credentials and playbooks, postmortem news. Built only when Slack
// settings are present; bots/slack/ receives what Slack sends.

import { incidentWorkflowId } from '../../domain/ids.js';
import { stateQuery } from '../../workflows/incident/messages.js';
import type { Outbound, OutboundContext } from '../outbound.js';
import { createSlackAccessNotifier } from './access-notifier.js';
import { createSlackApi, createSlackWebClient } from './client.js';
import { createSlackAlertTriageActivities } from './alert-triage.js';
import { createSlackHomeRefresh } from './home-refresh.js';
import { createSlackRoleActivities } from './role-instructions.js';
import { createSlackNotifier } from './notifier.js';
import { createSlackPostmortemNotifier } from './postmortem-notifier.js';
import { createSlackRuleActivities } from './rule-steps.js';
import { createSlackSandboxNotifier } from './sandbox-notifier.js';

export function createSlackOutbound(ctx: OutboundContext): Outbound | undefined {
  const slack = ctx.config.slack;
  if (!slack) return undefined;
  const logger = ctx.logger.child({ integration: 'slack' });
  const web = createSlackWebClient({ token: slack.botToken, apiUrl: slack.apiUrl });
  // Every notifier talks to the same Web API with the same policy, redactor and logger.
  const notifierDeps = { api: createSlackApi(web), db: ctx.db, policy: () => ctx.policy, redactor: ctx.redactor, logger, publicUrl: ctx.config.publicUrl };
  // Each person's App Home follows the changes that concern them (a notifier of its own: best effort).
  const home = createSlackHomeRefresh(notifierDeps);
  return {
    name: 'slack',
    notifiers: [createSlackNotifier(notifierDeps), home.incidentNotifier],
    accessNotifiers: [
      createSlackAccessNotifier({
        ...notifierDeps,
        incidentView: (key) => ctx.workflowClient.workflow.getHandle(incidentWorkflowId(key)).query(stateQuery),
      }),
      home.accessNotifier,
    ],
    sandboxNotifiers: [createSlackSandboxNotifier(notifierDeps)],
    postmortemNotifiers: [createSlackPostmortemNotifier(notifierDeps), home.postmortemNotifier],
    triageSources: [],
    activities: { ...createSlackAlertTriageActivities(notifierDeps), ...createSlackRuleActivities(notifierDeps), ...createSlackRoleActivities(notifierDeps) },
  };
}
