// The App Home tab: the incidents a person is in, and how to start one. Titles are people's text:
// redacted with their incident's tokens, then escaped for Slack.

import type { MyIncident } from '../../../db/queries/app-home.js';
import type { Policy } from '../../../domain/policy/index.js';
import { escapeSlackText } from '../../../domain/slack/escape.js';
import { replyRedactor } from '../../render/redaction.js';

export interface HomeView {
  type: 'home';
  blocks: unknown[];
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

export function homeView(mine: MyIncident[], policy: Policy | undefined): HomeView {
  const incidentLines = mine.map((i) => {
    const title = escapeSlackText(replyRedactor(policy, i.key).redact(i.title)).replace(/\s+/g, ' ');
    const roles = i.roles.length ? ` — you are ${i.roles.join(', ')}` : ' — you reported it';
    return `*${i.key}* ${i.severity} · ${i.phase} · ${title}${roles}`;
  });
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Firebreak' } },
      section(mine.length ? '*Your open incidents*' : '*No open incident of yours.* You are in none as reporter, commander, comms or scribe.'),
      ...incidentLines.map(section),
      { type: 'divider' },
      context('Declare one with `/incident declare TITLE sev:2 service:NAME`, see them all with `/incident list`, every command with `/incident help`.'),
    ],
  };
}
