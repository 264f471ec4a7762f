// The Slack side of debugging sandboxes: the connection URL goes to the requester by DM and nowhere
// else (never logged: only step keys and IDs are), and the reproduction playbook goes to the
// incident channel. Runs inside the sandbox activities, so each visible post is a step a retried
// notice skips; a 429 becomes a retry with Slack's Retry-After (see client.ts).

import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { Logger } from '../../platform/logger.js';
import type { SandboxCredentialsNotice, SandboxNotice, SandboxNotifier, SandboxPlaybookNotice } from '../sandbox/notifier.js';
import type { ChannelData } from './channel.js';
import { isSlackError, type SlackApi } from './client.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import type { Block } from './render.js';
import { createSteps } from './steps.js';

export interface SlackSandboxNotifierDeps {
  api: SlackApi;
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
}

// Places no retry makes writable.
const UNREACHABLE = ['channel_not_found', 'is_archived', 'not_in_channel', 'user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_visible', 'messages_tab_disabled'];
// Slack's limit for a section block's text.
const BLOCK_LIMIT = 3000;

export function createSlackSandboxNotifier(deps: SlackSandboxNotifierDeps): SandboxNotifier {
  const { api, db, logger } = deps;
  const steps = createSteps(db);

  /** The requester's Slack ID: their own when they asked in Slack, else the policy's for CLI/GitHub people. */
  function slackIdOf(actor: Actor): string | undefined {
    return actor.source === 'slack' ? actor.id : findPersonByActor(deps.policy(), actor)?.slack;
  }

  async function send(step: string, channel: string, message: { text: string; blocks: Block[] }): Promise<void> {
    try {
      await steps.once(step, () => api.call('chat.postMessage', { channel, ...message, unfurl_links: false, unfurl_media: false }));
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ step, channel, error: err.error }, 'Slack sandbox message not delivered');
    }
  }

  async function deliverCredentials(notice: SandboxCredentialsNotice): Promise<void> {
    const user = slackIdOf(notice.requester);
    if (!user) {
      logger.warn({ sandbox: notice.sandbox, source: notice.requester.source }, 'sandbox credentials not sent by Slack: the requester has no Slack ID in the policy');
      return;
    }
    let im: string;
    try {
      im = (await api.call<{ channel: { id: string } }>('conversations.open', { users: user })).channel.id;
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ sandbox: notice.sandbox, user, error: err.error }, 'Slack would not open a DM for sandbox credentials');
      return;
    }
    // The step key names the sandbox, expiry and attempt, never the secret: a retried activity
    // issues a new password and so sends a new message.
    await send(`slack-sandbox:${notice.key}:dm:${user}`, im, credentialsMessage(notice));
  }

  async function postPlaybook(notice: SandboxPlaybookNotice): Promise<void> {
    const link = await findLink(db, notice.incident, 'slack-channel');
    if (!link || (link.data as unknown as ChannelData | undefined)?.gone) return;
    const markdown = deps.redactor.forIncident(notice.incident).redact(notice.markdown);
    const blocks = splitBlocks(toMrkdwn(markdown)).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
    await send(`slack-sandbox:${notice.key}:channel`, link.externalId, { text: `Reproduction playbook for ${notice.sandbox}`, blocks });
  }

  return {
    name: 'slack',
    async notify(notice: SandboxNotice): Promise<void> {
      if (notice.kind === 'credentials') return deliverCredentials(notice);
      return postPlaybook(notice);
    },
  };
}

/** The DM: `*key*: \`value\`` lines in the blocks, the fallback text without the secret. */
export function credentialsMessage(notice: SandboxCredentialsNotice): { text: string; blocks: Block[] } {
  const url = new URL(notice.url);
  const lines = [
    ['username', decodeURIComponent(url.username)],
    ['password', decodeURIComponent(url.password)],
    ['url', notice.url],
  ].map(([key, value]) => `*${key}*: \`${escapeSlackText(value!)}\``);
  const head = `:test_tube: *${notice.sandbox}* (${escapeSlackText(notice.incident)}) is ready until <!date^${Math.floor(Date.parse(notice.validUntil) / 1000)}^{date_short_pretty} {time}|${notice.validUntil}>`;
  return {
    text: `Your sandbox ${notice.sandbox} is ready`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Only you can see this. Never paste it into a channel or issue; the role stops working when the sandbox expires.' }] },
    ],
  };
}

/** Markdown to Slack mrkdwn, simply: headings and bold become `*…*`, tables a code block. */
export function toMrkdwn(markdown: string): string {
  const out: string[] = [];
  let table: string[] = [];
  const flush = () => {
    if (table.length) out.push('```', ...table.filter((l) => !/^\|[-| ]+\|$/.test(l)).map(escapeSlackText), '```');
    table = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      table.push(line);
      continue;
    }
    flush();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const text = heading ? `*${heading[1]}*` : line.replace(/^- /, '• ');
    out.push(escapeSlackText(text).replace(/\*\*([^*]+)\*\*/g, '*$1*'));
  }
  flush();
  return out.join('\n');
}

/** Section texts of at most 3000 characters, cut at line ends (a longer line is cut hard). */
export function splitBlocks(text: string, limit = BLOCK_LIMIT): string[] {
  const parts: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    for (let line = raw; ; ) {
      const piece = line.slice(0, limit);
      const joined = current ? `${current}\n${piece}` : piece;
      if (joined.length <= limit) current = joined;
      else {
        parts.push(current);
        current = piece;
      }
      line = line.slice(limit);
      if (!line) break;
    }
  }
  if (current) parts.push(current);
  // Slack takes at most 50 blocks per message; a playbook is far shorter.
  return parts.slice(0, 50);
}
