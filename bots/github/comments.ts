// `/incident …` in the first line of an issue comment runs that command with the grammar and
// authorization Slack uses; the person is the policy member whose GitHub login wrote it.

import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { issueRef } from '../../domain/github/refs.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { parseCommand } from '../../domain/commands/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor } from '../../domain/policy/index.js';
import { runCommand, type CommandContext } from '../commands/dispatch.js';
import { replyIncident, replyRedactor } from '../render/redaction.js';
import { CommandRefused } from '../workflow-client.js';
import { ignored, notOurs, type GitHubFrontEnd, type Outcome } from './context.js';
import { incidentUpdateToSend, type UpdateToSend } from './incident-commands.js';
import { renderCommandReply, replyOpening, replyText } from './replies.js';

type CommentPayload = EmitterWebhookEvent<'issue_comment.created'>['payload'];

const COMMAND = /^\/incident(\s|$)/i;

/** The comment's first line when it is an `/incident` command, else undefined. */
export function commandLine(body: string): string | undefined {
  const line = body.split(/\r?\n/, 1)[0]?.trim() ?? '';
  return COMMAND.test(line) ? line : undefined;
}

/** `issue_comment.created`. */
export async function onIssueComment(fe: GitHubFrontEnd, payload: CommentPayload): Promise<Outcome> {
  const repo = payload.repository.full_name;
  const elsewhere = notOurs(fe.policy, repo);
  if (elsewhere) return elsewhere;
  // Firebreak's own comments are dropped by sender (webhook.ts) and start with a marker line, so
  // they are never a command; the marker itself is text anyone can type and decides nothing here.
  const line = commandLine(payload.comment.body ?? '');
  if (line === undefined) return ignored('not a command');

  const login = payload.sender.login;
  const number = payload.issue.number;
  const answer = (result: string, text: string): Outcome => ({ result, reply: { repo, number, body: text } });
  const actor: Actor = { source: 'github', id: login, name: login };
  if (!findPersonByActor(fe.policy, actor)) {
    const text = `Firebreak does not know the GitHub login \`${login}\`, so it ran nothing. Ask an admin to add \`github: ${login}\` to your entry in the policy's teams.`;
    return answer('refused: unknown login', replyText(login, text, replyRedactor(fe.policy)));
  }
  const parsed = parseCommand(line);
  if (!parsed.ok) return answer('refused: unreadable command', replyText(login, `${parsed.error}\n\n\`\`\`\n${parsed.usage}\n\`\`\``, replyRedactor(fe.policy)));

  const ref = issueRef(repo, number);
  const implied = await findIncidentByExternal(fe.db, 'github-issue', ref);
  const incident = parsed.incident ?? implied;
  // A declaration typed in an ordinary issue makes that issue the incident's issue.
  const ctx: CommandContext = { ...fe, actor, source: 'github', incident, idempotencyKey: `github-comment:${payload.comment.id}`, sourceRef: ref, ...(implied ? {} : { linkIssue: ref }) };
  let toSend: UpdateToSend | undefined;
  try {
    toSend = incidentUpdateToSend(ctx, parsed.command);
  } catch (err) {
    // The person's limits: said at once; nothing is sent.
    if (!(err instanceof CommandRefused)) throw err;
    return answer(`refused ${parsed.command.kind}`, replyText(login, err.message, replyRedactor(fe.policy, incident)));
  }
  if (toSend) return { result: `accepted ${parsed.command.kind}`, awaiting: { ...toSend, repo, number, opening: replyOpening(login) } };
  const reply = await runCommand(ctx, parsed.command);
  const redactor = replyRedactor(fe.policy, replyIncident(reply) ?? incident);
  return answer(reply.ok ? `ran ${parsed.command.kind}` : `refused ${parsed.command.kind}`, renderCommandReply(login, reply, redactor));
}
