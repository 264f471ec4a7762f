// What the grant buttons do after their ack: run the `access …` command the button stands for,
// through the same code path as `/incident access approve GR-N`, as the person who clicked. The
// workflow's refusal (self-approval, not an approver, already decided) is shown to them alone.

import { runAccessCommand, type AccessCommand } from '../../../access/commands.js';
import { parseGrantKey } from '../../../../domain/ids.js';
import { CommandRefused } from '../../../workflow-client.js';
import { slackActor, UNAVAILABLE, type SlackDeps } from '../deps.js';
import { ephemeral } from '../../render/reply.js';
import { homeAnswer } from '../home-publish.js';
import { buttonRequestKey, buttonValue, type ButtonArgs } from './run-update.js';

export async function runGrantButton(deps: SlackDeps, args: ButtonArgs, command: (grant: string) => Promise<AccessCommand> | AccessCommand): Promise<void> {
  const { body } = args;
  // A click on the App Home has no response_url: the answer is the Home itself, republished.
  const answer = homeAnswer(deps, args) ?? ((text: string) => args.respond(ephemeral(text)).then(() => undefined));
  const grant = parseGrantKey(buttonValue(args) ?? '');
  if (!grant) return void (await answer('That button has lost its grant; use `/incident status` in the incident channel.'));
  try {
    const reply = await runAccessCommand(
      { ...deps.temporal, actor: slackActor({ id: body.user.id, name: body.user.name ?? body.user.username }), idempotencyKey: buttonRequestKey(body) },
      await command(grant),
    );
    await answer(reply.text);
  } catch (err) {
    const refused = err instanceof CommandRefused;
    if (!refused) deps.logger.error({ err, grant }, 'Slack grant button failed');
    await answer(refused ? err.message : UNAVAILABLE).catch(() => undefined);
  }
}
