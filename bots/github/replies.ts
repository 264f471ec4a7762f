// Replies to people in issue comments. Each starts with a marker line for people reading the
// source; the webhook for the reply is ignored because the bot sent it and its first line is no
// `/incident` command, never because of the marker, which anyone can type.

import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { redact } from '../../domain/redact.js';
import type { Reply as CommandReply } from '../commands/dispatch.js';
import { renderIncident, renderListing } from '../render/text.js';

const REPLY_MARKER = '<!-- firebreak:reply -->';

/** Redacted, then inert for GitHub: replies quote titles, notes and what a command could not read. */
const safe = (text: string): string => neutraliseGitHubText(redact(text));

/** The reply marker, then the asker's mention (meant to notify), then Firebreak's Markdown. */
const compose = (login: string, markdown: string): string => `${REPLY_MARKER}\n@${login} ${markdown}`;

export function replyText(login: string, text: string): string {
  return compose(login, safe(text));
}

const block = (text: string) => `\n\n\`\`\`\n${safe(text)}\n\`\`\``;

export function renderCommandReply(login: string, reply: CommandReply): string {
  if (!reply.ok) return replyText(login, reply.text);
  const parts: string[] = [];
  if (reply.text) parts.push(safe(reply.text));
  if (reply.incidents) parts.push(block(renderListing(reply.incidents)));
  if (reply.view) {
    if (!reply.text) parts.push(`${reply.view.key} is ${reply.view.severity}, ${reply.view.phase}.`);
    parts.push(`\n\n<details><summary>${reply.view.key}</summary>${block(renderIncident(reply.view))}\n</details>`);
  }
  return compose(login, parts.join('') || 'Done.');
}
