// `/incident …`: parse with the shared grammar, answer usage errors and help inside the ack, open
// the declaration form when there is no title, and run everything else after the ack.

import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpText, parseCommand, type Command } from '../../../../domain/commands/index.js';
import { runCommand } from '../../../commands/dispatch.js';
import { replyIncident, replyRedactor } from '../../../render/redaction.js';
import { incidentOfChannel, slackActor, UNAVAILABLE, type SlackDeps } from '../deps.js';
import { declareModal } from '../../render/declare-modal.js';
import { commandReply, ephemeral, usageReply } from '../../render/reply.js';
import { responder, type Responder } from '../respond.js';
import { commandText } from '../text.js';
import { statusPagePreview } from '../actions/statuspage-confirm.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function incidentCommand(deps: SlackDeps) {
  return async ({ command, ack, client, context }: Args): Promise<void> => {
    const parsed = parseCommand(commandText(command.text, context.botUserId));
    if (!parsed.ok) return ack(usageReply(parsed));
    const cmd = parsed.command;
    if (cmd.kind === 'help') return ack(ephemeral(`\`\`\`${helpText(cmd.topic)}\`\`\``));
    await ack();
    const respond = responder(command.response_url);
    if (cmd.kind === 'declare' && !cmd.title) {
      // The trigger ID expires in 3 s: the form opens before anything else is looked up.
      try {
        await client.views.open({
          trigger_id: command.trigger_id,
          view: declareModal(deps.policy, { severity: cmd.severity, services: cmd.services, channel: command.channel_id, private: cmd.private }),
        });
      } catch (err) {
        deps.logger.error({ err }, 'could not open the declaration form');
        await respond(ephemeral('The declaration form did not open; declare with a title instead: `/incident declare Checkout returns 502 sev:2`.'));
      }
      return;
    }
    await run(deps, { command, respond }, cmd, parsed.incident);
  };
}

async function run(deps: SlackDeps, { command, respond }: Pick<Args, 'command'> & { respond: Responder }, cmd: Command, named?: string): Promise<void> {
  try {
    const incident = named ?? (await incidentOfChannel(deps, command.channel_id));
    // Nothing reaches customers before its poster has seen it: Post on the preview sends it.
    if (cmd.kind === 'statuspage' && incident) return await respond(statusPagePreview(deps, cmd, incident, `slack:${command.trigger_id}`));
    const reply = await runCommand(
      {
        ...deps.temporal,
        actor: slackActor({ id: command.user_id, name: command.user_name }),
        source: 'slack',
        incident,
        idempotencyKey: `slack:${command.trigger_id}`,
        sourceRef: `slack:${command.channel_id}`,
        // `actions` reads Postgres.
        db: deps.db,
        policy: deps.policy,
      },
      cmd,
    );
    // Redacted with the policy's own patterns and the tokens of the incident it is about.
    await respond(commandReply(reply, cmd.kind, replyRedactor(deps.policy, replyIncident(reply) ?? incident)));
  } catch (err) {
    deps.logger.error({ err, kind: cmd.kind }, 'Slack command failed');
    await respond(ephemeral(UNAVAILABLE)).catch(() => undefined);
  }
}
