// The summary's severity menu: each option's value is `INC-N|SEVn`.

import { isSeverity } from '../../../../domain/incident.js';
import * as msg from '../../../../workflows/incident/messages.js';
import { runIncidentUpdate } from '../../../workflow-client.js';
import type { SlackDeps } from '../deps.js';
import { runButtonUpdate, type ButtonArgs } from './run-update.js';

export function incidentSeverity(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const value = args.action.type === 'static_select' ? args.action.selected_option.value : '';
    const [incident, severity] = value.split('|');
    if (!isSeverity(severity)) return;
    await runButtonUpdate(deps, args, incident, (actor, key, requestKey) =>
      runIncidentUpdate(deps.temporal, key, msg.setSeverityUpdate, { actor, severity, reason: 'changed from the Slack summary' }, requestKey),
    );
  };
}
