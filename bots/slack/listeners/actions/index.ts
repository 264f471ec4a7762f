import type { App, BlockAction } from '@slack/bolt';
import { ACTION_IDS } from '../../../../activities/slack/render.js';
import type { SlackDeps } from '../../deps.js';
import { incidentAck } from './incident-ack.js';
import { incidentMitigated } from './incident-mitigated.js';
import { incidentResolve } from './incident-resolve.js';
import { incidentSeverity } from './incident-severity.js';

export function registerActions(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTION_IDS.acknowledge, incidentAck(deps));
  app.action<BlockAction>(ACTION_IDS.severity, incidentSeverity(deps));
  app.action<BlockAction>(ACTION_IDS.mitigated, incidentMitigated(deps));
  app.action<BlockAction>(ACTION_IDS.resolve, incidentResolve(deps));
}
