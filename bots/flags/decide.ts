// The Keep/Restore buttons of the resolve question: their value is `INC-N|flag@environment`.

import type { Actor } from '../../domain/incident.js';
import * as flags from '../../workflows/incident/messages.js';
import { incidentHandle, requestUpdateId, type TemporalContext } from '../workflow-client.js';

export function parseDecisionValue(value: string | undefined): { incident: string; flag: string; environment: string } | undefined {
  const m = /^(INC-\d+)\|([^@|]+)@([^@|]+)$/.exec(value ?? '');
  return m ? { incident: m[1]!, flag: m[2]!, environment: m[3]! } : undefined;
}

export function decideFlag(ctx: TemporalContext, actor: Actor, target: { incident: string; flag: string; environment: string }, decision: 'keep' | 'restore', requestKey: string) {
  return incidentHandle(ctx, target.incident).executeUpdate(flags.decideFlagUpdate, {
    args: [{ actor, flag: target.flag, environment: target.environment, decision }],
    updateId: requestUpdateId(requestKey, flags.decideFlagUpdate),
  });
}
