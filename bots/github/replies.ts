// Replies to people in issue comments. Each carries the Firebreak marker, so the webhook for the
// reply itself is recognised and ignored.

import { redact } from '../../domain/redact.js';
import type { Reply as CommandReply } from '../commands/dispatch.js';
import { renderIncident, renderListing } from '../render/text.js';

const REPLY_MARKER = '<!-- firebreak:reply -->';

export function replyText(login: string, text: string): string {
  return redact(`${REPLY_MARKER}\n@${login} ${text}`);
}

const block = (text: string) => `\n\n\`\`\`\n${text}\n\`\`\``;

export function renderCommandReply(login: string, reply: CommandReply): string {
  if (!reply.ok) return replyText(login, reply.text);
  const parts: string[] = [];
  if (reply.text) parts.push(reply.text);
  if (reply.incidents) parts.push(block(renderListing(reply.incidents)));
  if (reply.view) {
    if (!reply.text) parts.push(`${reply.view.key} is ${reply.view.severity}, ${reply.view.phase}.`);
    parts.push(`\n\n<details><summary>${reply.view.key}</summary>${block(renderIncident(reply.view))}\n</details>`);
  }
  return replyText(login, parts.join('') || 'Done.');
}
