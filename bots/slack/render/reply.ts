// Ephemeral replies to a person's command: the result, or one sentence saying what to do next.
// Replies are plain text shared with GitHub and the CLI (titles, notes and refusals that quote what
// was typed), so a command's reply is redacted once and escaped for Slack here, where it is built.

import { escapeSlackText } from '../../../domain/slack/escape.js';
import type { ParseResult } from '../../../domain/commands/types.js';
import type { Redactor } from '../../../domain/redact.js';
import type { Reply } from '../../commands/dispatch.js';
import { renderIncident, renderListing } from '../../render/text.js';

export interface Ephemeral {
  response_type: 'ephemeral';
  text: string;
  replace_original?: boolean;
}

export function ephemeral(text: string): Ephemeral {
  return { response_type: 'ephemeral', text: escapeSlackText(text), replace_original: false };
}

export function usageReply(parsed: Extract<ParseResult, { ok: false }>): Ephemeral {
  return ephemeral(`${parsed.error}\n\`\`\`${parsed.usage}\`\`\``);
}

export function commandReply(reply: Reply, kind: string, redactor: Redactor): Ephemeral {
  const say = (text: string): Ephemeral => ephemeral(redactor.redact(text));
  if (!reply.ok) return say(reply.text);
  if (reply.incidents) return say(`\`\`\`${renderListing(reply.incidents)}\`\`\``);
  if (kind === 'help') return say(`\`\`\`${reply.text}\`\`\``);
  const detail = reply.view ? `\n\`\`\`${renderIncident(reply.view)}\`\`\`` : '';
  if (kind === 'declare') return say(`${reply.text}; its channel is on its way.${detail}`);
  // A private incident's non-member gets one sentence (that it exists and whom to ask), no view.
  if (kind === 'status') return say(reply.view ? detail.trim() : reply.text);
  const v = reply.view;
  return say(v ? `Done: ${v.key} is ${v.severity}, ${v.phase}.` : reply.text || 'Done.');
}
