// The incident channel: created once (the link row is the memory), people invited, topic set, and
// the pinned summary posted once and then edited in place.

import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import { incidentActors, policyMembers } from '../../domain/policy/privacy-rules.js';
import type { Actor } from '../../domain/incident.js';
import type { Database } from '../../db/client.js';
import { ensureLink, findLink, updateLinkData } from '../../db/queries/links.js';
import type { IncidentLinkRow } from '../../db/schema/index.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import { isSlackError, type SlackApi } from './client.js';
import { channelName, type Renderer } from './render.js';

export interface ChannelData {
  name: string;
  /** The notice that created the channel; its retries still count as the channel's first notice. */
  firstEvent?: string;
  summaryTs?: string | null;
  pinned?: boolean;
  invited?: string[];
  /** The Slack error that made the channel unusable (`channel_not_found`, `is_archived`). */
  gone?: string;
}

export interface IncidentChannel {
  incident: string;
  id: string;
  data: ChannelData;
}

const MAX_NAME_ATTEMPTS = 10;
// Inviting someone who cannot be invited is not worth failing a notice over.
const UNINVITABLE = ['already_in_channel', 'cant_invite_self', 'user_not_found', 'cant_invite', 'user_is_restricted', 'user_is_ultra_restricted'];

export function createChannels(deps: { api: SlackApi; db: Database; policy: () => Policy; render: Renderer }) {
  const { api, db } = deps;

  const toChannel = (row: IncidentLinkRow): IncidentChannel => ({ incident: row.incidentKey, id: row.externalId, data: row.data as unknown as ChannelData });

  async function save(channel: IncidentChannel, data: Partial<ChannelData>): Promise<void> {
    Object.assign(channel.data, data);
    await updateLinkData(db, channel.incident, 'slack-channel', data);
  }

  /** The incident's channel, created on its first notice; never a second one for the same incident. */
  async function ensure(view: IncidentView, eventKey: string): Promise<IncidentChannel> {
    const existing = await findLink(db, view.key, 'slack-channel');
    if (existing) return toChannel(existing);
    const made = await create(view);
    const data: ChannelData = { name: made.name, firstEvent: eventKey };
    return toChannel(await ensureLink(db, { incidentKey: view.key, kind: 'slack-channel', externalId: made.id, data: { ...data } }));
  }

  async function create(view: IncidentView): Promise<{ id: string; name: string }> {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = channelName(view.key, deps.render.safe(view.title), attempt);
      try {
        // A private incident's channel is private from its first moment: only the people invited see it.
        const result = await api.call<{ channel: { id: string; name: string } }>('conversations.create', { name, is_private: view.private === true });
        return { id: result.channel.id, name: result.channel.name };
      } catch (err) {
        // Someone (or an earlier incident with the same number in another install) has the name.
        if (!isSlackError(err, 'name_taken')) throw err;
      }
    }
    throw new Error(`no free channel name for ${view.key} after ${MAX_NAME_ATTEMPTS} attempts`);
  }

  /**
   * Slack IDs of the reporter and every role holder, as their source or the policy knows them; for
   * a private incident also the people invited and those `privateIncidents.members` names.
   */
  function slackIdsOf(view: IncidentView): string[] {
    const policy = deps.policy();
    const actors: Actor[] = incidentActors({ ...view, members: view.private ? view.members : [] });
    const ids = actors.map((a) => (a.source === 'slack' ? a.id : findPersonByActor(policy, a)?.slack));
    if (view.private) ids.push(...policyMembers(policy).map((name) => Object.values(policy.teams).flatMap((t) => t.members).find((m) => m.name === name)?.slack));
    return [...new Set(ids.filter((id): id is string => id !== undefined))];
  }

  async function setTopic(channel: IncidentChannel, view: IncidentView): Promise<void> {
    await api.call('conversations.setTopic', { channel: channel.id, topic: deps.render.summaryText(view).slice(0, 250) });
  }

  async function invite(channel: IncidentChannel, view: IncidentView): Promise<void> {
    const invited = channel.data.invited ?? [];
    const missing = slackIdsOf(view).filter((id) => !invited.includes(id));
    for (const user of missing) {
      try {
        await api.call('conversations.invite', { channel: channel.id, users: user });
      } catch (err) {
        if (!isSlackError(err, ...UNINVITABLE)) throw err;
      }
      await save(channel, { invited: [...(channel.data.invited ?? []), user] });
    }
  }

  /** Posts and pins the summary the first time; afterwards edits it in place. */
  async function syncSummary(channel: IncidentChannel, view: IncidentView): Promise<void> {
    const message = { channel: channel.id, text: deps.render.summaryText(view), blocks: deps.render.summaryBlocks(view, channel.id) };
    if (channel.data.summaryTs) {
      try {
        await api.call('chat.update', { ...message, ts: channel.data.summaryTs });
      } catch (err) {
        // Someone deleted the summary: post a fresh one rather than leave the channel without it.
        if (!isSlackError(err, 'message_not_found', 'cant_update_message')) throw err;
        await save(channel, { summaryTs: null, pinned: false });
      }
    }
    if (!channel.data.summaryTs) {
      const posted = await api.call<{ ts: string }>('chat.postMessage', { ...message, unfurl_links: false, unfurl_media: false });
      await save(channel, { summaryTs: posted.ts, pinned: false });
    }
    if (!channel.data.pinned) {
      try {
        await api.call('pins.add', { channel: channel.id, timestamp: channel.data.summaryTs });
      } catch (err) {
        if (!isSlackError(err, 'already_pinned')) throw err;
      }
      await save(channel, { pinned: true });
    }
  }

  return { ensure, setTopic, invite, syncSummary, save };
}

export type Channels = ReturnType<typeof createChannels>;
