// Taking the pin reaction away takes the message off the timeline again.

import * as msg from '../../../../workflows/incident/messages.js';
import { runIncidentUpdate, toRefusal } from '../../../workflow-client.js';
import { slackActor, type SlackDeps } from '../deps.js';
import { pinTarget, type ReactionArgs } from './pin-reaction.js';

export function reactionRemoved(deps: SlackDeps) {
  return async (args: ReactionArgs): Promise<void> => {
    const target = await pinTarget(deps, args);
    if (!target) return;
    try {
      await runIncidentUpdate(deps.temporal, target.incident, msg.unpinMessageUpdate, { actor: slackActor({ id: args.event.user }), ref: target.ref }, target.requestKey);
    } catch (err) {
      const refusal = toRefusal(err, target.incident);
      deps.logger[refusal ? 'info' : 'error']({ err, ref: target.ref }, 'pinned message not removed from the timeline');
    }
  };
}
