// Acknowledge, or take command when nobody has it.

import * as msg from '../../../../workflows/incident/messages.js';
import { runIncidentUpdate } from '../../../workflow-client.js';
import type { SlackDeps } from '../deps.js';
import { buttonValue, runButtonUpdate, type ButtonArgs } from './run-update.js';

export function incidentAck(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runButtonUpdate(deps, args, buttonValue(args), (actor, incident, requestKey) =>
      runIncidentUpdate(deps.temporal, incident, msg.acknowledgeUpdate, { actor }, requestKey),
    );
  };
}
