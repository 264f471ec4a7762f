// What every Slack listener needs: Temporal for the workflows, the database for channel lookups
// and event de-duplication, and the policy for forms and reactions.

import type { Policy } from '../../../domain/policy/index.js';
import type { Actor } from '../../../domain/incident.js';
import type { Database } from '../../../db/client.js';
import { findIncidentByExternal } from '../../../db/queries/links.js';
import type { Logger } from '../../../platform/logger.js';
import type { TemporalContext } from '../../workflow-client.js';

export interface SlackDeps {
  temporal: TemporalContext;
  db: Database;
  policy: Policy;
  logger: Logger;
  /** The dashboard's address, for links on the App Home. */
  publicUrl?: string;
}

export function slackActor(user: { id: string; name?: string; username?: string }): Actor {
  const name = user.name ?? user.username;
  return { source: 'slack', id: user.id, ...(name ? { name } : {}) };
}

/** The incident whose channel this is, if it is one. */
export async function incidentOfChannel(deps: SlackDeps, channelId: string | undefined): Promise<string | undefined> {
  return channelId ? findIncidentByExternal(deps.db, 'slack-channel', channelId) : undefined;
}

/** What a person sees when something on our side broke; the details go to the log. */
export const UNAVAILABLE = 'Firebreak could not do that right now; try again in a minute, or use the `firebreak` CLI.';
