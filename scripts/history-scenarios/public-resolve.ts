// The incident run behind 'resolve-asks-public' and 'statuspage-mirror' (issue 15): a public
// incident opened (and mirrored to the external status page), the incident resolved with it still
// open, so the timeline asks whether to resolve it too; kept open, then resolved publicly.

import type { UpdateDefinition } from '@temporalio/common';
import { createStatusPageMirrorOutbound } from '../../activities/statuspage/integration.js';
import type { Database } from '../../db/client.js';
import { getIncidentView, incidentHandle } from '../../bots/workflow-client.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { PUBLIC_INCIDENT_QUESTION } from '../../domain/statuspage.js';
import { createLogger } from '../../platform/logger.js';
import { startAtlassianStatusPageStandIn } from '../../test/standins/atlassian-statuspage.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, until, type Save, type StandIn, type ScenarioContext } from './steps.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };

export const MIRROR_PAGE_ID = 'pg0firebreak';
export const MIRROR_API_KEY_ENV = 'FIREBREAK_RECORD_STATUSPAGE_KEY';
export const MIRROR_COMPONENTS = { Checkout: 'cmpcheckout01', Search: 'cmpsearch0001' };

/** The test policy mirroring public updates to the Atlassian stand-in, and one run from declaration to close. */
export function publicResolvePolicy(policy: Policy): Policy {
  return {
    ...policy,
    incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 },
    statusPage: { ...policy.statusPage!, mirror: { provider: 'atlassian', pageId: MIRROR_PAGE_ID, apiKeyEnv: MIRROR_API_KEY_ENV, components: MIRROR_COMPONENTS } },
  };
}

/** The mirror as the worker builds it (activities/statuspage/integration.ts), against the Atlassian Statuspage stand-in. */
export async function startStatusPageMirror(db: Database, policy: Policy): Promise<StandIn> {
  const apiKey = 'sp-record-key-0123456789abcdef';
  const remote = await startAtlassianStatusPageStandIn({ pageId: MIRROR_PAGE_ID, apiKey, componentIds: Object.values(MIRROR_COMPONENTS) });
  const outbound = createStatusPageMirrorOutbound({ db, policy, logger: createLogger({ level: 'warn' }) }, { [MIRROR_API_KEY_ENV]: apiKey, STATUSPAGE_API_URL: remote.url })!;
  return {
    activities: outbound.activities!,
    verify() {
      if (remote.incidents.size !== 1) throw new Error(`the public incident was meant to be mirrored as one, not ${remote.incidents.size}`);
    },
    stop: () => remote.stop(),
  };
}

export async function incidentPublicResolve(ctx: ScenarioContext, save: Save): Promise<void> {
  const key = await declare(ctx, 'Checkout returns 502', 'SEV3');
  const run = <R, I>(def: UpdateDefinition<R, [I]>, input: I) => incidentHandle(ctx, key).executeUpdate(def, { args: [input] });
  await run(msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  await run(msg.assignRoleUpdate, { actor: carol, role: 'comms', person: alice });
  await run(msg.publishStatusPageUpdate, { actor: alice, verb: 'open', text: 'Some card payments fail; we are on it.', components: [{ component: 'Checkout', state: 'partial' }] });
  await run(msg.resolveUpdate, { actor: carol, text: 'rolled back' });
  const timeline = async () => (await getIncidentView(ctx, key)).timeline.map((e) => e.text);
  await until('the resolve question', async () => (await timeline()).some((t) => t.startsWith(PUBLIC_INCIDENT_QUESTION)));
  await run(msg.keepPublicIncidentUpdate, { actor: alice });
  await run(msg.publishStatusPageUpdate, { actor: alice, verb: 'resolve', text: 'Card payments work again.', components: [] });
  await incidentHandle(ctx, key).result(); // SEV3 needs no postmortem: closes after the reopen window
  await save('incident-public-resolve', `incident:${key}`);
}
