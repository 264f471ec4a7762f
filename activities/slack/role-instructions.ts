// The DM someone gets when given a role the policy writes instructions for: the instructions, and
// the incident's links (its Slack channel, its GitHub issue, the dashboard page). Sent once per
// assignment (a step keyed by the `role` event); a person Slack will never reach (deactivated, a
// bot) is one timeline row saying so, not a retry loop. Without Slack (roleInstructionsWithoutSlack)
// there is nowhere to send it; the Slack outbound's activity replaces that one on the worker.

import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import type { Logger } from '../../platform/logger.js';
import type { RoleInstructionsInput, RoleInstructionsResult } from '../../workflows/incident/messages.js';
import { isSlackError, type SlackApi } from './client.js';
import { createSteps } from './steps.js';

export interface SlackRoleDeps {
  api: SlackApi;
  db: Database;
  redactor: Redactor;
  logger: Logger;
  policy: () => Policy;
  publicUrl?: string;
}

const UNREACHABLE = ['user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_visible', 'messages_tab_disabled', 'channel_not_found', 'is_archived'];

export interface RoleLinks {
  slackChannel?: string;
  githubIssue?: string;
  dashboard?: string;
}

/** The DM's text: Slack mrkdwn, with everything people wrote redacted and escaped. */
export function roleInstructionsText(redactor: Redactor, input: RoleInstructionsInput, links: RoleLinks): string {
  const safe = (text: string) => escapeSlackText(redactor.forIncident(input.incident).redact(text));
  const parts: string[] = [];
  if (links.slackChannel) parts.push(`channel <#${links.slackChannel}>`);
  if (links.githubIssue) {
    const ref = /^([^#]+)#(\d+)$/.exec(links.githubIssue);
    parts.push(ref ? `<https://github.com/${ref[1]}/issues/${ref[2]}|GitHub issue ${escapeSlackText(links.githubIssue)}>` : `GitHub issue ${escapeSlackText(links.githubIssue)}`);
  }
  if (links.dashboard) parts.push(`<${links.dashboard}|dashboard>`);
  return [
    `:clipboard: You are now the *${input.role}* of *${escapeSlackText(input.incident)}* (${input.severity}): ${safe(input.title)}`,
    '',
    escapeSlackText(input.instructions),
    '',
    `Links: ${parts.length ? parts.join(' · ') : 'none yet'}`,
  ].join('\n');
}

export function createSlackRoleActivities(deps: SlackRoleDeps) {
  const { api, db, redactor, logger } = deps;
  const steps = createSteps(db);

  async function links(incident: string): Promise<RoleLinks> {
    const channel = await findLink(db, incident, 'slack-channel');
    const issue = await findLink(db, incident, 'github-issue');
    return {
      ...(channel ? { slackChannel: channel.externalId } : {}),
      ...(issue ? { githubIssue: issue.externalId } : {}),
      ...(deps.publicUrl ? { dashboard: `${deps.publicUrl}/incidents/${incident}` } : {}),
    };
  }

  /** The holder's Slack user: their own ID from Slack, else the one the policy knows them by. */
  function slackUserOf(holder: RoleInstructionsInput['holder']): string | undefined {
    if (holder.source === 'slack' && /^[UW][A-Z0-9]+$/.test(holder.id)) return holder.id;
    return findPersonByActor(deps.policy(), holder)?.slack;
  }

  return {
    async sendRoleInstructions(input: RoleInstructionsInput): Promise<RoleInstructionsResult> {
      const user = slackUserOf(input.holder);
      if (!user) return { sent: 'none', problem: 'the holder has no Slack user the policy knows' };
      const text = roleInstructionsText(redactor, input, await links(input.incident));
      try {
        await steps.once(`slack-role-dm:${input.eventKey}`, async () => {
          const im = (await api.call<{ channel: { id: string } }>('conversations.open', { users: user })).channel.id;
          await api.call('chat.postMessage', { channel: im, text, unfurl_links: false, unfurl_media: false });
        });
        return { sent: 'slack' };
      } catch (err) {
        if (!isSlackError(err, ...UNREACHABLE)) throw err;
        logger.warn({ incident: input.incident, role: input.role, user, error: err.error }, 'Slack would not take the role instructions DM');
        await steps.recordProblem(input.incident, {
          key: `role-dm:${input.eventKey}`,
          text: `The ${input.role} instructions could not be sent to ${input.holder.name ?? input.holder.id} by Slack DM (${err.error}).`,
          details: { role: input.role, error: err.error },
        });
        return { sent: 'none', problem: err.error };
      }
    },
  };
}

/** Without Slack nobody can be DMed; the assignment itself is on the timeline all the same. */
export function roleInstructionsWithoutSlack() {
  return {
    async sendRoleInstructions(_input: RoleInstructionsInput): Promise<RoleInstructionsResult> {
      return { sent: 'none', problem: 'Slack is not configured' };
    },
  };
}
