// The alert front-end: built only when the policy names alert sources. Each source's token is read
// once from the environment variable the policy names; a source whose variable is unset refuses
// every delivery (and says so at start) rather than accepting unauthenticated alerts.

import type { Inbound, InboundContext } from '../inbound.js';
import { alertmanagerHandler, GENERIC_PREFIX, genericHandler, grafanaHandler, type AlertSource, type AlertsFrontEnd } from './webhook.js';

export function createAlertsInbound(ctx: InboundContext, env: NodeJS.ProcessEnv = process.env): Inbound | undefined {
  const configured = ctx.policy.alerts?.sources ?? {};
  if (Object.keys(configured).length === 0) return undefined;
  const logger = ctx.logger.child({ integration: 'alerts' });
  const sources: AlertSource[] = Object.entries(configured).map(([name, s]) => {
    const token = env[s.tokenEnv] || undefined;
    if (!token) logger.warn(`${s.tokenEnv} is not set: alert source "${name}" refuses every delivery`);
    return { name, kind: s.kind, token, ...(s.timestampHeader ? { timestampHeader: s.timestampHeader } : {}) };
  });
  const fe: AlertsFrontEnd = { client: ctx.client, taskQueue: ctx.taskQueue, logger, sources };
  return {
    name: 'alerts',
    routes: [
      { method: 'POST', path: '/alerts/alertmanager', handler: alertmanagerHandler(fe) },
      { method: 'POST', path: '/alerts/grafana', handler: grafanaHandler(fe) },
      { method: 'POST', path: `${GENERIC_PREFIX}*`, handler: genericHandler(fe) },
    ],
  };
}
