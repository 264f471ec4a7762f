// The policy's task reaction (incidents.taskReaction, "memo" by default) on a message in an incident
// channel makes the message a task of the incident: one task per message, whoever reacts and however
// often Slack redelivers. The incident's decision point says who may add tasks (no guests).

import * as msg from '../../../../workflows/incident/messages.js';
import { normaliseInput } from '../../../../domain/text-input.js';
import { incidentHandle, requestUpdateId, toRefusal } from '../../../workflow-client.js';
import { slackActor, type SlackDeps } from '../deps.js';
import { decodeSlackText } from '../text.js';
import { pinTarget, type ReactionArgs } from './pin-reaction.js';
import { fetchMessage } from './reaction-added.js';

/** Tasks are one line; a long message becomes its first 300 characters. */
const MAX_TASK_TEXT = 300;

export function taskReaction(deps: SlackDeps) {
  return async (args: ReactionArgs): Promise<void> => {
    const target = await pinTarget(deps, args, deps.policy.incidents.taskReaction);
    if (!target) return;
    try {
      const message = await fetchMessage(args.client, target);
      const text = message?.text ? normaliseInput(decodeSlackText(message.text)).trim() : '';
      if (!text) return;
      const input: msg.AddTaskInput = {
        actor: slackActor({ id: args.event.user }),
        text: text.length > MAX_TASK_TEXT ? `${text.slice(0, MAX_TASK_TEXT - 1)}…` : text,
        ref: target.ref,
      };
      await incidentHandle(deps.temporal, target.incident).executeUpdate(msg.addTaskUpdate, { args: [input], updateId: requestUpdateId(target.requestKey, msg.addTaskUpdate) });
    } catch (err) {
      const refusal = toRefusal(err, target.incident);
      deps.logger[refusal ? 'info' : 'error']({ err, ref: target.ref }, 'reaction did not make a task');
    }
  };
}
