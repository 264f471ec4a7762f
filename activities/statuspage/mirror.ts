// Copies each stored public update to the external status page the policy names (statusPage.mirror).
// It sends the text as /status shows it (already redacted), and remembers every update the provider
// accepted (public_update_mirrors): a retried activity finds its row and sends nothing again, and a
// later update amends the remote incident the row before it names.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { findMirroredUpdate, previousMirroredUpdate, readPublicUpdate, recordMirroredUpdate } from '../../db/queries/statuspage-mirror.js';
import type { PublicUpdateRow } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import { mirroredComponentId, type StatusPageMirrorPolicy } from '../../domain/policy/statuspage.js';
import { ATLASSIAN_COMPONENT_STATUS, atlassianIncidentStatus, type ComponentState, type PublicUpdateMirrorRequest, type PublicUpdateMirrorResult } from '../../domain/statuspage.js';
import type { Logger } from '../../platform/logger.js';
import type { AtlassianIncidentFields, AtlassianStatusPageApi } from './atlassian.js';

export interface StatusPageMirrorDeps {
  db: Database;
  policy: () => Policy;
  /** Undefined when the variable the policy names holds no API key. */
  api: AtlassianStatusPageApi | undefined;
  logger: Logger;
}

function notConfigured(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'StatusPageMirrorNotConfigured', message, nonRetryable: true });
}

/** The components this update names, in their IDs; resolving names every component the incident touched. */
function remoteComponents(mirror: StatusPageMirrorPolicy, update: PublicUpdateRow, touched: Record<string, ComponentState>): Pick<AtlassianIncidentFields, 'components' | 'component_ids'> {
  const states: [string, ComponentState][] =
    update.verb === 'resolve' ? [...new Set([...Object.keys(touched), ...update.components.map((c) => c.component)])].map((name) => [name, 'operational']) : update.components.map((c) => [c.component, c.state]);
  const components: Record<string, string> = {};
  for (const [name, state] of states) {
    const id = mirroredComponentId(mirror, name);
    if (id) components[id] = ATLASSIAN_COMPONENT_STATUS[state];
  }
  return { components, component_ids: Object.keys(components) };
}

export function createStatusPageMirrorActivities(deps: StatusPageMirrorDeps) {
  return {
    async mirrorPublicUpdate(request: PublicUpdateMirrorRequest): Promise<PublicUpdateMirrorResult> {
      const { incident, sequence } = request;
      const mirror = deps.policy().statusPage?.mirror;
      if (!mirror) throw notConfigured('The status page mirror is off: the policy has no statusPage.mirror section.');
      if (!deps.api) throw notConfigured(`The status page mirror has no API key: set the environment variable ${mirror.apiKeyEnv} (statusPage.mirror.apiKeyEnv).`);
      const done = await findMirroredUpdate(deps.db, incident, sequence);
      if (done) return { remoteIncidentId: done.remoteIncidentId, sent: false };
      const [update, page] = [await readPublicUpdate(deps.db, incident, sequence), await readPublicIncident(deps.db, incident)];
      if (!update || !page) throw notConfigured(`Public update ${sequence} of ${incident} was never stored, so there is nothing to mirror.`);
      const fields: AtlassianIncidentFields = { status: atlassianIncidentStatus(update.verb, update.components), body: update.text, ...remoteComponents(mirror, update, page.components) };
      let remote: { id: string };
      if (update.verb === 'open') {
        remote = await deps.api.createIncident(mirror.pageId, { name: page.title, ...fields });
      } else {
        const previous = await previousMirroredUpdate(deps.db, incident, sequence);
        if (!previous) throw notConfigured(`The public incident of ${incident} was never opened on Atlassian Statuspage, so update ${sequence} has nowhere to go there.`);
        remote = await deps.api.updateIncident(mirror.pageId, previous.remoteIncidentId, fields);
      }
      await recordMirroredUpdate(deps.db, { incidentKey: incident, sequence, provider: 'atlassian', remoteIncidentId: remote.id, mirroredAt: new Date() });
      deps.logger.info({ incident, sequence, verb: update.verb, remoteIncident: remote.id }, 'public update mirrored to Atlassian Statuspage');
      return { remoteIncidentId: remote.id, sent: true };
    },
  };
}

export type StatusPageMirrorActivities = ReturnType<typeof createStatusPageMirrorActivities>;
