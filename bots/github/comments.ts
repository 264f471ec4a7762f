// `/incident …` in the first line of an issue comment runs that command with the grammar and
// authorization Slack uses; the person is the policy member whose GitHub login wrote it.

import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { issueRef } from '../../domain/github/refs.js';
import { ensureLink, findIncidentByExternal } from '../../db/queries/links.js';
import { parseCommand } from '../../domain/commands/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor } from '../../domain/policy/index.js';
import { runCommand } from '../commands/dispatch.js';
import { ignored, servicesOfRepo, type GitHubFrontEnd, type Outcome } from './context.js';
import { renderCommandReply, replyText } from './replies.js';

type CommentPayload = EmitterWebhookEvent<'issue_comment'>['payload'];

const COMMAND = /^\/incident(\s|$)/i;

export async function onIssueComment(fe: GitHubFrontEnd, payload: CommentPayload): Promise<Outcome> {
  if (payload.action !== 'created') return ignored(`issue_comment.${payload.action}`);
  const repo = payload.repository.full_name;
  if (servicesOfRepo(fe.policy, repo).length === 0) return ignored(`${repo} is not a repository of the policy`);
  // Firebreak's own comments are dropped by sender (webhook.ts) and start with a marker line, so
  // they are never a command; the marker itself is text anyone can type and decides nothing here.
  const body = payload.comment.body ?? '';
  const line = body.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (!COMMAND.test(line)) return ignored('not a command');

  const login = payload.sender.login;
  const number = payload.issue.number;
  const answer = (result: string, text: string): Outcome => ({ result, reply: { repo, number, body: text } });
  const actor: Actor = { source: 'github', id: login, name: login };
  if (!findPersonByActor(fe.policy, actor)) {
    return answer('refused: unknown login', replyText(login, `Firebreak does not know the GitHub login \`${login}\`, so it ran nothing. Ask an admin to add \`github: ${login}\` to your entry in the policy's teams.`));
  }
  const parsed = parseCommand(line);
  if (!parsed.ok) return answer('refused: unreadable command', replyText(login, `${parsed.error}\n\n\`\`\`\n${parsed.usage}\n\`\`\``));

  const ref = issueRef(repo, number);
  const implied = await findIncidentByExternal(fe.db, 'github-issue', ref);
  const reply = await runCommand(
    { ...fe, actor, source: 'github', incident: parsed.incident ?? implied, idempotencyKey: `github-comment:${payload.comment.id}`, sourceRef: ref },
    parsed.command,
  );
  // A declaration typed in an ordinary issue makes that issue the incident's issue.
  if (reply.ok && parsed.command.kind === 'declare' && reply.incident && !implied) {
    await ensureLink(fe.db, { incidentKey: reply.incident, kind: 'github-issue', externalId: ref, data: { tracking: false } });
  }
  return answer(reply.ok ? `ran ${parsed.command.kind}` : `refused ${parsed.command.kind}`, renderCommandReply(login, reply));
}
