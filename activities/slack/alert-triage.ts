// The triage question of an alert group in Slack: one message with the group's title, its labels
// (redacted, then escaped) and Accept / Decline buttons, edited once decided to say who decided and
// how, without the buttons. Both are steps recorded once per key, so a retried activity posts and
// edits nothing more. Without Slack (alertTriageWithoutSlack) nobody can be asked, and the group
// declares as a declare route would; the Slack outbound's activities replace those on the worker.

import { labelsSummary } from '../../domain/alerts/index.js';
import type { Actor } from '../../domain/incident.js';
import type { Redactor } from '../../domain/redact.js';
import { ALERT_TRIAGE_ACTION_IDS } from '../../domain/slack/action-ids.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../platform/logger.js';
import type { AlertTriageOutcome, AlertTriagePost, AlertTriagePosted } from '../../workflows/alert-group/messages.js';
import { once } from '../shared/once.js';
import { SlackCallError, type SlackApi } from './client.js';

export interface SlackAlertTriageDeps {
  api: SlackApi;
  db: Database;
  redactor: Redactor;
  logger: Logger;
}

/** Who decided, as Slack shows it: a live mention of a Slack user (an ID we resolved, not text they wrote), else their escaped name. */
function who(actor: Actor): string {
  if (actor.source === 'slack' && /^[UW][A-Z0-9]+$/.test(actor.id)) return `<@${actor.id}>`;
  return escapeSlackText(actor.name ?? `${actor.source}:${actor.id}`);
}

export function questionText(redactor: Redactor, post: Omit<AlertTriagePost, 'key' | 'channel' | 'workflowId'>): string {
  const safe = (text: string) => escapeSlackText(redactor.redact(text));
  const lines = [
    `:rotating_light: *Alert awaiting triage:* ${safe(post.title)}`,
    `Service ${safe(post.service)}: ${post.firing} firing; accepting declares a ${post.severity} incident.`,
  ];
  const labels = labelsSummary(post.labels);
  if (labels) lines.push(`Labels: ${safe(labels)}`);
  return lines.join('\n');
}

export function outcomeText(redactor: Redactor, outcome: AlertTriageOutcome): string {
  const title = escapeSlackText(redactor.redact(outcome.title));
  const o = outcome.outcome;
  if (o.kind === 'accepted') return `:white_check_mark: *Alert accepted:* ${title}. ${who(o.by)} declared ${escapeSlackText(o.incident)}.`;
  if (o.kind === 'declined') return `:no_entry_sign: *Alert declined:* ${title}. ${who(o.by)} decided it is not an incident; nothing was declared.`;
  return `:large_green_circle: *Alert resolved before anyone decided:* ${title}. Nothing was declared.`;
}

export function createSlackAlertTriageActivities(deps: SlackAlertTriageDeps) {
  const { api, db, redactor, logger } = deps;
  return {
    async postAlertTriage(post: AlertTriagePost): Promise<AlertTriagePosted> {
      const text = questionText(redactor, post);
      try {
        const result = await once(db, { key: `slack-alert-triage:${post.key}`, kind: 'slack.alert-triage' }, async () => {
          const sent = await api.call<{ channel: string; ts: string }>('chat.postMessage', {
            channel: post.channel,
            text,
            unfurl_links: false,
            unfurl_media: false,
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text } },
              {
                type: 'actions',
                elements: [
                  { type: 'button', action_id: ALERT_TRIAGE_ACTION_IDS.accept, style: 'primary', text: { type: 'plain_text', text: 'Accept: declare' }, value: post.workflowId },
                  { type: 'button', action_id: ALERT_TRIAGE_ACTION_IDS.decline, text: { type: 'plain_text', text: 'Decline' }, value: post.workflowId },
                ],
              },
            ],
          });
          return { channel: sent.channel, ts: sent.ts };
        });
        return { posted: true, channel: String(result.channel), ts: String(result.ts) };
      } catch (err) {
        // A channel Slack will not take (unknown, archived, the app not in it) cannot hold the question.
        if (!(err instanceof SlackCallError)) throw err;
        logger.warn({ channel: post.channel, error: err.error }, 'Slack refused the alert triage question');
        return { posted: false, reason: `Slack refused the question in ${post.channel} (${err.error})` };
      }
    },

    async updateAlertTriage(outcome: AlertTriageOutcome): Promise<void> {
      const text = outcomeText(redactor, outcome);
      try {
        await once(db, { key: `slack-alert-triage:${outcome.key}`, kind: 'slack.alert-triage' }, async () => {
          await api.call('chat.update', { channel: outcome.channel, ts: outcome.ts, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
        });
      } catch (err) {
        if (!(err instanceof SlackCallError)) throw err;
        logger.warn({ channel: outcome.channel, error: err.error }, 'Slack refused the alert triage outcome');
      }
    },
  };
}

export type AlertTriageActivities = ReturnType<typeof createSlackAlertTriageActivities>;

/** Registered when Slack is not configured: no one can be asked. */
export function alertTriageWithoutSlack(): AlertTriageActivities {
  return {
    postAlertTriage: async () => ({ posted: false, reason: 'Slack is not configured, so nobody can be asked' }),
    updateAlertTriage: async () => undefined,
  };
}
