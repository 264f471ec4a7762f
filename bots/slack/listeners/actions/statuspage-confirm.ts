// Slack's confirm step for `statuspage …`: the command answers with a preview of exactly what
// customers will read (redacted like the stored text) and Post/Cancel buttons; only Post sends the
// update. Post carries the original command's request key, so clicking it twice posts once.

import type { RespondArguments } from '@slack/bolt';
import { formatCommand, parseCommand, type Command } from '../../../../domain/commands/index.js';
import { STATUSPAGE_ACTION_IDS } from '../../../../domain/slack/action-ids.js';
import { escapeSlackText } from '../../../../domain/slack/escape.js';
import { COMPONENT_STATE_TEXT } from '../../../../domain/statuspage.js';
import { runCommand } from '../../../commands/dispatch.js';
import { replyRedactor } from '../../../render/redaction.js';
import { slackActor, UNAVAILABLE, type SlackDeps } from '../deps.js';
import { ephemeral } from '../../render/reply.js';
import { buttonValue, type ButtonArgs } from './run-update.js';

type StatusPageCommand = Extract<Command, { kind: 'statuspage' }>;

/** What the Post button carries: the incident, the command's own request key and its canonical text. */
interface PendingPost {
  i: string;
  k: string;
  c: string;
}

// Slack refuses a button value over 2000 characters.
const MAX_VALUE = 2000;
const VERB_TEXT = { open: 'Open a public incident', update: 'Post a public update', resolve: 'Resolve the public incident' } as const;

export function statusPagePreview(deps: SlackDeps, command: StatusPageCommand, incident: string, requestKey: string): RespondArguments {
  const value = JSON.stringify({ i: incident, k: requestKey, c: formatCommand(command) } satisfies PendingPost);
  if (value.length > MAX_VALUE) {
    return ephemeral(`That update is too long to preview in Slack; shorten it by ${value.length - MAX_VALUE} characters or post it with the \`firebreak\` CLI.`);
  }
  const redacted = replyRedactor(deps.policy, incident).redact(command.text);
  const states = command.components.map((c) => `${c.component}: ${COMPONENT_STATE_TEXT[c.state]}`).join(', ');
  const where = ` for ${incident}${states ? ` (${states})` : ''} on ${deps.policy.statusPage?.title ?? 'the status page'}. Customers will read:`;
  const summary = `*${VERB_TEXT[command.verb]}*${escapeSlackText(where)}`;
  const quoted = escapeSlackText(redacted)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return {
    response_type: 'ephemeral',
    replace_original: false,
    text: `${summary}\n${quoted}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${summary}\n${quoted}` } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: STATUSPAGE_ACTION_IDS.post, style: 'primary', text: { type: 'plain_text', text: 'Post' }, value },
          { type: 'button', action_id: STATUSPAGE_ACTION_IDS.cancel, text: { type: 'plain_text', text: 'Cancel' }, value: 'cancel' },
        ],
      },
    ],
  };
}

function pendingPost(raw: string | undefined): PendingPost | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Partial<PendingPost>;
    return typeof v.i === 'string' && typeof v.k === 'string' && typeof v.c === 'string' ? (v as PendingPost) : undefined;
  } catch {
    return undefined;
  }
}

export function statusPagePost(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const pending = pendingPost(buttonValue(args));
    const parsed = pending ? parseCommand(pending.c) : undefined;
    if (!pending || !parsed?.ok || parsed.command.kind !== 'statuspage') {
      return void (await args.respond(ephemeral('That preview can no longer be posted; run the `statuspage` command again.')));
    }
    try {
      const actor = slackActor({ id: args.body.user.id, name: args.body.user.name ?? args.body.user.username });
      const reply = await runCommand(
        { ...deps.temporal, actor, source: 'slack', incident: pending.i, idempotencyKey: pending.k, db: deps.db, policy: deps.policy },
        parsed.command,
      );
      await args.respond({ ...ephemeral(replyRedactor(deps.policy, pending.i).redact(reply.text)), replace_original: true });
    } catch (err) {
      deps.logger.error({ err, incident: pending.i }, 'status page post failed');
      await args.respond(ephemeral(UNAVAILABLE)).catch(() => undefined);
    }
  };
}

export function statusPageCancel() {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await args.respond({ ...ephemeral('Cancelled: nothing was posted to the status page.'), replace_original: true });
  };
}
