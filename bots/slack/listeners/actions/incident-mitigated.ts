// Mark the incident mitigated; it moves to monitoring.

import * as msg from '../../../../workflows/incident/messages.js';
import { runIncidentUpdate } from '../../../workflow-client.js';
import type { SlackDeps } from '../deps.js';
import { buttonValue, runButtonUpdate, type ButtonArgs } from './run-update.js';

export function incidentMitigated(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runButtonUpdate(deps, args, buttonValue(args), (actor, incident, requestKey) =>
      runIncidentUpdate(deps.temporal, incident, msg.markMitigatedUpdate, { actor }, requestKey),
    );
  };
}
