// What every summary button does after its ack: run one incident update as the person who clicked
// and, if the workflow refuses (policy, phase), tell only them why. The update carries the click's
// request key, so a replayed payload changes nothing a second time.

import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../../domain/incident.js';
import { toRefusal } from '../../../workflow-client.js';
import { slackActor, UNAVAILABLE, type SlackDeps } from '../deps.js';
import { ephemeral } from '../../render/reply.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export async function runButtonUpdate(
  deps: SlackDeps,
  { body, respond }: Pick<ButtonArgs, 'body' | 'respond'>,
  incident: string | undefined,
  update: (actor: Actor, incident: string, requestKey: string) => Promise<unknown>,
): Promise<void> {
  if (!incident) return void (await respond(ephemeral('That button has lost its incident; use `/incident status` in the channel.')));
  try {
    await update(slackActor({ id: body.user.id, name: body.user.name ?? body.user.username }), incident, buttonRequestKey(body));
  } catch (err) {
    const refusal = toRefusal(err, incident);
    if (!refusal) deps.logger.error({ err, incident }, 'Slack button failed');
    await respond(ephemeral(refusal?.message ?? UNAVAILABLE)).catch(() => undefined);
  }
}

/**
 * One click, as Slack identifies it: every interaction payload has its own trigger_id, and a
 * replay of the signed payload repeats it. Without one, the action's timestamp and the user.
 */
export function buttonRequestKey(body: Pick<BlockAction, 'trigger_id' | 'actions' | 'user'>): string {
  if (body.trigger_id) return `slack:${body.trigger_id}`;
  return `slack-action:${body.actions[0]?.action_ts ?? ''}:${body.user.id}`;
}

/** The incident key a button carries as its value. */
export function buttonValue(args: Pick<ButtonArgs, 'action'>): string | undefined {
  return args.action.type === 'button' ? args.action.value : undefined;
}
