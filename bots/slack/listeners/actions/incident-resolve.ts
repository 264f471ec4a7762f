// Resolve (the button carries a confirm dialog); the policy decides who may.

import * as msg from '../../../../workflows/incident/messages.js';
import { runIncidentUpdate } from '../../../workflow-client.js';
import type { SlackDeps } from '../deps.js';
import { buttonValue, runButtonUpdate, type ButtonArgs } from './run-update.js';

export function incidentResolve(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runButtonUpdate(deps, args, buttonValue(args), (actor, incident, requestKey) =>
      runIncidentUpdate(deps.temporal, incident, msg.resolveUpdate, { actor }, requestKey),
    );
  };
}
