import type { App, BlockAction } from '@slack/bolt';
import { ACCESS_ACTION_IDS, ACTION_IDS, ALERT_TRIAGE_ACTION_IDS, HOME_ACTION_IDS, STATUSPAGE_ACTION_IDS } from '../../../../domain/slack/action-ids.js';
import type { SlackDeps } from '../deps.js';
import { alertTriageButton } from './alert-triage.js';
import { grantApprove } from './grant-approve.js';
import { grantDeny } from './grant-deny.js';
import { grantExtend } from './grant-extend.js';
import { homeRefresh } from './home-refresh.js';
import { flagKeep } from './flag-keep.js';
import { flagRestore } from './flag-restore.js';
import { incidentAck } from './incident-ack.js';
import { incidentMitigated } from './incident-mitigated.js';
import { incidentResolve } from './incident-resolve.js';
import { incidentSeverity } from './incident-severity.js';
import { statusPageCancel, statusPagePost } from './statuspage-confirm.js';
import { publicIncidentKeep, publicIncidentResolve } from './statuspage-question.js';

export function registerActions(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACCESS_ACTION_IDS.approve, grantApprove(deps));
  app.action<BlockAction>(ACCESS_ACTION_IDS.deny, grantDeny(deps));
  app.action<BlockAction>(ACCESS_ACTION_IDS.extend, grantExtend(deps));
  app.action<BlockAction>(ACTION_IDS.acknowledge, incidentAck(deps));
  app.action<BlockAction>(ACTION_IDS.severity, incidentSeverity(deps));
  app.action<BlockAction>(ACTION_IDS.mitigated, incidentMitigated(deps));
  app.action<BlockAction>(ACTION_IDS.resolve, incidentResolve(deps));
  app.action<BlockAction>(ACTION_IDS.flagKeep, flagKeep(deps));
  app.action<BlockAction>(ACTION_IDS.flagRestore, flagRestore(deps));
  app.action<BlockAction>(STATUSPAGE_ACTION_IDS.post, statusPagePost(deps));
  app.action<BlockAction>(STATUSPAGE_ACTION_IDS.cancel, statusPageCancel());
  app.action<BlockAction>(ALERT_TRIAGE_ACTION_IDS.accept, alertTriageButton(deps, 'accept'));
  app.action<BlockAction>(ALERT_TRIAGE_ACTION_IDS.decline, alertTriageButton(deps, 'decline'));
  app.action<BlockAction>(STATUSPAGE_ACTION_IDS.resolvePublic, publicIncidentResolve(deps));
  app.action<BlockAction>(STATUSPAGE_ACTION_IDS.keepPublic, publicIncidentKeep(deps));
  app.action<BlockAction>(HOME_ACTION_IDS.refresh, homeRefresh(deps));
}
