// Deny on an access request; the reason recorded is "denied by <person>".

import type { SlackDeps } from '../deps.js';
import { runGrantButton } from './run-grant-update.js';
import type { ButtonArgs } from './run-update.js';

export function grantDeny(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runGrantButton(deps, args, (grant) => ({ kind: 'access-deny', grant }));
  };
}
