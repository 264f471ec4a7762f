// The Slack side of every incident notice: the incident channel (created on the first notice), its
// pinned summary kept current, a line per timeline event, and announcements in the policy's
// incidents channel. Runs inside the publishIncidentUpdate activity; Temporal retries it.

import { ALL_RESOLVED_NOTE_START } from '../../domain/alerts/index.js';
import { FLAG_QUESTION } from '../../domain/flags.js';
import type { IncidentNotifier } from '../notify.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../platform/logger.js';
import { createChannels, type IncidentChannel } from './channel.js';
import { isSlackError, type SlackApi, type SlackCallError } from './client.js';
import { createRenderer } from './render.js';
import { createSteps } from './steps.js';
import { publicIncidentQuestion } from './statuspage-question.js';

export interface SlackNotifierDeps {
  api: SlackApi;
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  publicUrl?: string;
}

// No retry brings these back; the notice is recorded as undeliverable instead of stuck.
const GONE = ['channel_not_found', 'is_archived'];

export function createSlackNotifier(deps: SlackNotifierDeps): IncidentNotifier {
  const { api, logger } = deps;
  const render = createRenderer(deps.redactor, deps.publicUrl);
  const channels = createChannels({ api, db: deps.db, policy: deps.policy, render });
  const steps = createSteps(deps.db);

  /** Runs one call in the incident channel, joining it once if the bot was removed. */
  async function inChannel(channel: IncidentChannel, work: () => Promise<unknown>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return true;
      } catch (err) {
        if (isSlackError(err, 'not_in_channel') && attempt === 0) {
          // A private incident's channel cannot be joined uninvited: someone removed the bot.
          const joined = await api.call('conversations.join', { channel: channel.id }).then(
            () => true,
            (joinErr: unknown) => (isSlackError(joinErr, 'method_not_supported_for_channel_type') ? joinErr : Promise.reject(joinErr)),
          );
          if (joined !== true) {
            await markGone(channel, joined as SlackCallError);
            return false;
          }
          continue;
        }
        if (!isSlackError(err, ...GONE, 'not_in_channel')) throw err;
        await markGone(channel, err);
        return false;
      }
    }
  }

  async function markGone(channel: IncidentChannel, err: SlackCallError): Promise<void> {
    logger.warn({ incident: channel.incident, channel: channel.id, error: err.error }, 'incident channel unusable');
    await channels.save(channel, { gone: err.error });
    await steps.recordProblem(channel.incident, {
      key: `${err.error}:${channel.id}`,
      text: `Slack: cannot post to #${channel.data.name} (${err.error}); its summary and updates stop there until the channel is restored.`,
      details: { channel: channel.id, error: err.error, method: err.method },
    });
  }

  async function updateChannel(channel: IncidentChannel, created: boolean, notice: IncidentNotice): Promise<void> {
    const { view } = notice;
    const ok =
      (await inChannel(channel, () => steps.once(`slack-topic:${view.key}`, () => channels.setTopic(channel, view)))) &&
      (await inChannel(channel, () => channels.invite(channel, view))) &&
      (await inChannel(channel, () => channels.syncSummary(channel, view)));
    // A fresh channel's summary already shows what the first notice says.
    if (!ok || created || notice.kind === 'pinned') return;
    const actor = view.timeline.findLast((e) => e.kind === notice.kind && e.text === notice.text)?.actor;
    // Only the alert group's own note asks; a person's note with the same words is just a note.
    const question = notice.kind === 'note' && actor?.source === 'system' && ALL_RESOLVED_NOTE_START.test(notice.text) ? render.allResolvedQuestion(view, notice.text) : undefined;
    await inChannel(channel, () =>
      steps.once(`slack-post:${notice.eventKey}`, () =>
        api.call('chat.postMessage', {
          channel: channel.id,
          text: question?.text ?? render.eventLine(notice.kind, notice.text, actor, view.key),
          // A URL someone typed stays a plain link: Slack fetches no preview (or image) for it.
          unfurl_links: false,
          unfurl_media: false,
          // The resolve question carries a Keep and a Restore button per rolled-back flag.
          ...(notice.kind === 'child' && notice.text.startsWith(FLAG_QUESTION) ? { blocks: render.flagQuestionBlocks(view, notice.text) } : {}),
          ...publicIncidentQuestion(render, view, notice.kind, notice.text, actor),
          ...(question?.blocks ? { blocks: question.blocks } : {}),
        }),
      ),
    );
  }

  /** Announcements: the declaration once, then severity, phase and status changes; never a private incident. */
  async function announce(channel: IncidentChannel, created: boolean, notice: IncidentNotice): Promise<void> {
    if (notice.view.private === true) return;
    const target = deps.policy().incidents.announceChannel;
    const worthIt =
      notice.kind === 'severity' || notice.kind === 'status_update' || (notice.kind === 'phase' && notice.view.phase !== 'triage');
    const [key, text] = created
      ? [`slack-announce:${notice.view.key}:declared`, render.announcement(notice.view, channel.id)]
      : [`slack-announce:${notice.eventKey}`, render.announcement(notice.view, channel.id, notice.text)];
    if (!created && !worthIt) return;
    try {
      await steps.once(key, () => api.call('chat.postMessage', { channel: target, text, unfurl_links: false, unfurl_media: false }));
    } catch (err) {
      if (!isSlackError(err, ...GONE, 'not_in_channel')) throw err;
      await steps.recordProblem(notice.incident, {
        key: `announce:${err.error}`,
        text: `Slack: cannot announce in ${target} (${err.error}); invite the Firebreak app there or fix incidents.announceChannel.`,
        details: { channel: target, error: err.error },
      });
    }
  }

  return {
    name: 'slack',
    async notify(notice: IncidentNotice): Promise<void> {
      const channel = await channels.ensure(notice.view, notice.eventKey);
      const created = channel.data.firstEvent === notice.eventKey;
      if (!channel.data.gone) await updateChannel(channel, created, notice);
      await announce(channel, created, notice);
    },
  };
}
