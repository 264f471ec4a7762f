// The pin reaction on a message in an incident channel puts that message, with its author and
// time, on the incident timeline (the workflow redacts it before it is stored or shown).

import type { WebClient } from '@slack/web-api';
import * as msg from '../../../../workflows/incident/messages.js';
import { findPersonByActor } from '../../../../domain/policy/index.js';
import { runIncidentUpdate, toRefusal } from '../../../workflow-client.js';
import { slackActor, type SlackDeps } from '../deps.js';
import { decodeSlackText } from '../text.js';
import { normaliseInput } from '../../../../domain/text-input.js';
import { pinTarget, tsToIso, type PinTarget, type ReactionArgs } from './pin-reaction.js';

export interface SlackMessage {
  ts?: string;
  text?: string;
  user?: string;
  username?: string;
  bot_id?: string;
}

export function reactionAdded(deps: SlackDeps) {
  return async (args: ReactionArgs): Promise<void> => {
    const target = await pinTarget(deps, args);
    if (!target) return;
    try {
      const message = await fetchMessage(args.client, target);
      if (!message?.text) return;
      const author = await authorName(deps, args.client, message);
      await runIncidentUpdate(deps.temporal, target.incident, msg.pinMessageUpdate, {
        actor: slackActor({ id: args.event.user }),
        ref: target.ref,
        text: normaliseInput(`${author}: ${decodeSlackText(message.text)}`, { multiline: true }),
        at: tsToIso(target.ts),
      }, target.requestKey);
    } catch (err) {
      const refusal = toRefusal(err, target.incident);
      deps.logger[refusal ? 'info' : 'error']({ err, ref: target.ref }, 'pinned message not added to the timeline');
    }
  };
}

/** The message itself, in the channel or, failing that, as a thread reply. */
export async function fetchMessage(client: WebClient, target: PinTarget): Promise<SlackMessage | undefined> {
  const query = { channel: target.channel, latest: target.ts, oldest: target.ts, inclusive: true, limit: 1 };
  const history = await client.conversations.history(query);
  const found = (history.messages as SlackMessage[] | undefined)?.find((m) => m.ts === target.ts);
  if (found) return found;
  const replies = await client.conversations.replies({ ...query, ts: target.ts });
  return (replies.messages as SlackMessage[] | undefined)?.find((m) => m.ts === target.ts);
}

async function authorName(deps: SlackDeps, client: WebClient, message: SlackMessage): Promise<string> {
  if (!message.user) return message.username ?? 'a bot';
  const known = findPersonByActor(deps.policy, { source: 'slack', id: message.user });
  if (known) return known.name;
  try {
    const info = await client.users.info({ user: message.user });
    return info.user?.real_name || info.user?.name || message.user;
  } catch {
    return message.user;
  }
}
