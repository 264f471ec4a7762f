// Keep on the resolve question for one rolled-back flag; the policy decides who may.

import { decideFlag, parseDecisionValue } from '../../../flags/decide.js';
import type { SlackDeps } from '../deps.js';
import { buttonValue, runButtonUpdate, type ButtonArgs } from './run-update.js';

export function flagKeep(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const target = parseDecisionValue(buttonValue(args));
    await runButtonUpdate(deps, args, target?.incident, (actor, _incident, requestKey) => decideFlag(deps.temporal, actor, target!, 'keep', requestKey));
  };
}
