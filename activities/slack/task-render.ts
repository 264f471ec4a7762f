// The open tasks section of the pinned incident summary. Task text is what people wrote (or what a
// reaction took from a message), so it is redacted and escaped like every other such text.

import type { Actor } from '../../domain/incident.js';
import type { IncidentTask } from '../../domain/tasks.js';

type Block = Record<string, unknown>;

const SHOWN = 15;

export function openTasksBlock(tasks: readonly IncidentTask[] | undefined, safe: (text: string) => string, who: (actor: Actor) => string): Block | undefined {
  const open = (tasks ?? []).filter((t) => t.status === 'open');
  if (open.length === 0) return undefined;
  const lines = open.slice(0, SHOWN).map((t) => {
    const owner = t.owner ? ` — ${who(t.owner)}` : t.ownerRole ? ` — ${safe(t.ownerRole)}` : '';
    const flags = `${t.required ? ' _required_' : ''}${t.overdueAt ? ' :warning: overdue' : ''}`;
    return `• *${t.id}*${flags} ${safe(t.text)}${owner}`;
  });
  if (open.length > SHOWN) lines.push(`… and ${open.length - SHOWN} more; \`tasks\` lists them all.`);
  return { type: 'section', text: { type: 'mrkdwn', text: `*Open tasks (${open.length})*\n${lines.join('\n')}`.slice(0, 3000) } };
}
