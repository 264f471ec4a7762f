// The Slack steps of automation rules (workflows/rule/): a post in a channel (or the incident's
// own) or a person's DM, and inviting a team to the incident's channel. Each step is done once per
// run and step (a retried activity skips what got through); a channel or person Slack does not
// know fails the step at once, with Slack's answer, and the run records the failure.

import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Logger } from '../../platform/logger.js';
import { refusedStep } from '../rules/index.js';
import { once } from '../shared/once.js';
import { isSlackError, type SlackApi } from './client.js';

export interface PostRuleMessageInput {
  /** `<run>:step:<index>` */
  key: string;
  incident: string;
  rule: string;
  channel?: string;
  /** A person's policy name. */
  dm?: string;
  text: string;
}

export interface InviteRuleTeamInput {
  key: string;
  incident: string;
  team: string;
}

// Answers no retry changes: the step fails at once and says which.
const REFUSALS = [
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'user_not_visible',
  'messages_tab_disabled',
  'invalid_channel',
  'restricted_action',
];

async function slackStep<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isSlackError(err, ...REFUSALS)) throw refusedStep(`Slack refused ${what}: ${err.error}`);
    throw err;
  }
}

export function createSlackRuleActivities(deps: { api: SlackApi; db: Database; policy: () => Policy; logger: Logger }) {
  const { api, db } = deps;

  async function incidentChannel(incident: string): Promise<string> {
    const link = await findLink(db, incident, 'slack-channel');
    if (!link || (link.data as { gone?: boolean } | null)?.gone) throw refusedStep(`${incident} has no Slack channel`);
    return link.externalId;
  }

  return {
    async postRuleMessage(input: PostRuleMessageInput): Promise<void> {
      const text = escapeSlackText(input.text.replaceAll('{incident}', input.incident));
      await once(db, { key: `rule-slack:${input.key}`, kind: 'rule.slack' }, async () => {
        if (input.dm !== undefined) {
          const person = Object.values(deps.policy().teams).flatMap((t) => t.members).find((m) => m.name === input.dm);
          if (!person) throw refusedStep(`${input.dm} is not in the policy any more`);
          const im = await slackStep(`a DM to ${input.dm}`, () => api.call<{ channel: { id: string } }>('conversations.open', { users: person.slack }));
          await slackStep(`a DM to ${input.dm}`, () => api.call('chat.postMessage', { channel: im.channel.id, text, unfurl_links: false, unfurl_media: false }));
          return;
        }
        const channel = input.channel === 'incident' || input.channel === undefined ? await incidentChannel(input.incident) : input.channel;
        await slackStep(`the post in ${input.channel ?? 'incident'}`, () => api.call('chat.postMessage', { channel, text, unfurl_links: false, unfurl_media: false }));
        deps.logger.info({ incident: input.incident, rule: input.rule, channel: input.channel }, 'rule posted in Slack');
      });
    },

    async inviteRuleTeam(input: InviteRuleTeamInput): Promise<void> {
      const team = deps.policy().teams[input.team];
      if (!team) throw refusedStep(`team ${input.team} is not in the policy any more`);
      const channel = await incidentChannel(input.incident);
      await once(db, { key: `rule-slack:${input.key}`, kind: 'rule.slack' }, async () => {
        try {
          await slackStep(`the invite of team ${input.team}`, () => api.call('conversations.invite', { channel, users: team.members.map((m) => m.slack).join(',') }));
        } catch (err) {
          // Everyone is in already: what the step wanted.
          if (!((err as { cause?: unknown; message?: string }).message ?? '').includes('already_in_channel')) throw err;
        }
      });
    },
  };
}

export type SlackRuleActivities = ReturnType<typeof createSlackRuleActivities>;

/** Without Slack a post or an invite cannot happen: the step fails at once and the run says so. */
export function ruleStepsWithoutSlack(): SlackRuleActivities {
  const off = async () => {
    throw refusedStep('Slack is not configured for this Firebreak');
  };
  return { postRuleMessage: off, inviteRuleTeam: off };
}
