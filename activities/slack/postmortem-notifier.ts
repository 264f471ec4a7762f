// The Slack side of postmortems: news in the incident channel, reminders and escalations by DM,
// team digests in the team's channel (or to its manager by DM). Each post is a step a retried
// notice skips; places Slack will never accept (an archived channel, a deactivated user) are
// logged and skipped rather than retried for ever.

import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import type { Logger } from '../../platform/logger.js';
import type { PostmortemNotifier } from '../postmortem/ports.js';
import type { PostmortemNotice } from '../../workflows/postmortem/messages.js';
import type { ChannelData } from './channel.js';
import { isSlackError, type SlackApi } from './client.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { createSteps } from './steps.js';

export interface SlackPostmortemNotifierDeps {
  api: SlackApi;
  db: Database;
  logger: Logger;
}

const UNREACHABLE = ['channel_not_found', 'is_archived', 'not_in_channel', 'user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_visible', 'messages_tab_disabled'];

export function createSlackPostmortemNotifier(deps: SlackPostmortemNotifierDeps): PostmortemNotifier {
  const { api, db, logger } = deps;
  const steps = createSteps(db);

  async function post(step: string, channel: string, text: string): Promise<void> {
    try {
      await steps.once(step, () => api.call('chat.postMessage', { channel, text: escapeSlackText(text), unfurl_links: false, unfurl_media: false }));
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ step, channel, error: err.error }, 'Slack postmortem message not delivered');
    }
  }

  async function dm(step: string, user: string, text: string): Promise<void> {
    let im: string;
    try {
      im = (await api.call<{ channel: { id: string } }>('conversations.open', { users: user })).channel.id;
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ step, user, error: err.error }, 'Slack would not open a DM for a postmortem notice');
      return;
    }
    await post(step, im, text);
  }

  return {
    name: 'slack',
    async notify(notice: PostmortemNotice): Promise<void> {
      const step = `slack-postmortem:${notice.key}`;
      const { audience } = notice;
      if (audience.kind === 'person') return dm(step, audience.person.slack, notice.text);
      if (audience.kind === 'team') return audience.channel ? post(step, audience.channel, notice.text) : dm(step, audience.manager.slack, notice.text);
      if (!notice.incident) return;
      const link = await findLink(db, notice.incident, 'slack-channel');
      if (!link || (link.data as unknown as ChannelData | undefined)?.gone) return;
      await post(step, link.externalId, notice.text);
    },
  };
}
