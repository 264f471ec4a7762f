// The incident run behind 'page-escalation' (issue 15): `page @team` pages each service the team
// owns, through PagerDuty (its Events API stand-in here), then the incident resolves and closes.

import { createPagerDuty } from '../../activities/pagerduty/integration.js';
import type { Database } from '../../db/client.js';
import { incidentHandle, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import { readPagerDuty } from '../../platform/config/index.js';
import { createLogger } from '../../platform/logger.js';
import { startPagerDutyStandIn } from '../../test/standins/pagerduty.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, type Save, type StandIn, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

/** One run from declaration to close. */
export function pageTeamPolicy(policy: Policy): Policy {
  return { ...policy, incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 } };
}

/** PagerDuty's activities as the worker builds them, against the Events API stand-in: one trigger for payments. */
export async function startPagerDuty(db: Database, policy: Policy): Promise<StandIn> {
  const pd = await startPagerDutyStandIn();
  const config = readPagerDuty({ PAGERDUTY_EVENTS_URL: pd.url, FIREBREAK_TEST_PAGERDUTY_PAYMENTS: 'R0RECORDPAYMENTS0000000000000000' });
  const pagerDuty = createPagerDuty({ db, policy: () => policy, redactor: createRedactor(), logger: createLogger({ level: 'warn' }), config });
  return {
    activities: pagerDuty.activities,
    verify() {
      const triggers = pd.accepted({ action: 'trigger' }).length;
      if (triggers !== 1) throw new Error(`the team's page was meant to trigger PagerDuty once, not ${triggers} times`);
    },
    stop: () => pd.stop(),
  };
}

export async function incidentPageTeam(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Refund emails bounce', 'SEV3');
  await runIncidentUpdate(ctx, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  const paged = await incidentHandle(ctx, key).executeUpdate(msg.pageUpdate, { args: [{ actor: carol, team: '@payments', reason: 'refunds bouncing' }] });
  if (paged.pages?.length !== 1) throw new Error(`paging @payments was meant to page payments: ${JSON.stringify(paged)}`);
  await runIncidentUpdate(ctx, key, msg.resolveUpdate, { actor: carol, text: 'mail provider fixed' });
  await incidentHandle(ctx, key).result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-page-team', `incident:${key}`);
}
