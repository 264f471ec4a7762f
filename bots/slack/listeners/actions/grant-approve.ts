// Approve on an access request (channel or DM); the grant workflow checks who may.

import type { SlackDeps } from '../deps.js';
import { runGrantButton } from './run-grant-update.js';
import type { ButtonArgs } from './run-update.js';

export function grantApprove(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runGrantButton(deps, args, (grant) => ({ kind: 'access-approve', grant }));
  };
}
