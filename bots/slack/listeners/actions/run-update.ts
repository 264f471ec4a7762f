// What every summary button does after its ack: run one incident update as the person who clicked
// and, if the workflow refuses (policy, phase), tell only them why.

import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../../domain/incident.js';
import { toRefusal } from '../../../temporal.js';
import { slackActor, UNAVAILABLE, type SlackDeps } from '../../deps.js';
import { ephemeral } from '../../render/reply.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export async function runButtonUpdate(
  deps: SlackDeps,
  { body, respond }: Pick<ButtonArgs, 'body' | 'respond'>,
  incident: string | undefined,
  update: (actor: Actor, incident: string) => Promise<unknown>,
): Promise<void> {
  if (!incident) return void (await respond(ephemeral('That button has lost its incident; use `/incident status` in the channel.')));
  try {
    await update(slackActor({ id: body.user.id, name: body.user.name ?? body.user.username }), incident);
  } catch (err) {
    const refusal = toRefusal(err, incident);
    if (!refusal) deps.logger.error({ err, incident }, 'Slack button failed');
    await respond(ephemeral(refusal?.message ?? UNAVAILABLE)).catch(() => undefined);
  }
}

/** The incident key a button carries as its value. */
export function buttonValue(args: Pick<ButtonArgs, 'action'>): string | undefined {
  return args.action.type === 'button' ? args.action.value : undefined;
}
