// Replies to people in issue comments. Each starts with a marker line for people reading the
// source; the webhook for the reply is ignored because the bot sent it and its first line is no
// `/incident` command, never because of the marker, which anyone can type.
//
// This is the GitHub edge of a reply: every text from people is redacted here, once, then made
// inert for GitHub, and only then wrapped in Firebreak's own Markdown.

import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import type { Redactor } from '../../domain/redact.js';
import type { Reply as CommandReply } from '../commands/dispatch.js';
import { replyRedactor } from '../render/redaction.js';
import { renderIncident, renderListing } from '../render/text.js';

const REPLY_MARKER = '<!-- firebreak:reply -->';

/** The reply marker, then the asker's mention (meant to notify): what every reply opens with. */
export const replyOpening = (login: string): string => `${REPLY_MARKER}\n@${login} `;

/** The opening, then Firebreak's Markdown. */
const compose = (login: string, markdown: string): string => `${replyOpening(login)}${markdown}`;

/** Redacted, then inert for GitHub: replies quote titles, notes and what a command could not read. */
export function replyText(login: string, text: string, redactor: Redactor = replyRedactor(undefined)): string {
  return compose(login, neutraliseGitHubText(redactor.redact(text)));
}

export function renderCommandReply(login: string, reply: CommandReply, redactor: Redactor = replyRedactor(undefined)): string {
  if (!reply.ok) return replyText(login, reply.text, redactor);
  const safe = (text: string): string => neutraliseGitHubText(redactor.redact(text));
  const block = (text: string) => `\n\n\`\`\`\n${safe(text)}\n\`\`\``;
  const parts: string[] = [];
  if (reply.text) parts.push(safe(reply.text));
  if (reply.incidents) parts.push(block(renderListing(reply.incidents)));
  if (reply.view) {
    if (!reply.text) parts.push(`${reply.view.key} is ${reply.view.severity}, ${reply.view.phase}.`);
    parts.push(`\n\n<details><summary>${reply.view.key}</summary>${block(renderIncident(reply.view))}\n</details>`);
  }
  return compose(login, parts.join('') || 'Done.');
}
