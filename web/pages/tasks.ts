// The incident page's tasks, folded from the recorded 'task' timeline events (domain/tasks.ts):
// open ones first. Task text is what people wrote, so it is redacted and HTML-escaped like notes;
// an owner the policy knows is shown by their policy name, as everywhere else on the page.

import type { TimelineEventRow } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import { foldTaskEvents } from '../../domain/tasks.js';
import { html, type SafeHtml } from '../render/html.js';
import { dateTime } from '../render/layout.js';
import { personNameOf } from '../render/person-handle.js';

export function tasksSection(timeline: readonly TimelineEventRow[], redact: (text: string) => string, policy?: Policy): SafeHtml {
  const tasks = foldTaskEvents(timeline);
  if (tasks.length === 0) return html`<section id="tasks"><h2>Tasks</h2><p class="muted">None.</p></section>`;
  const ordered = [...tasks.filter((t) => t.status === 'open'), ...tasks.filter((t) => t.status !== 'open')];
  const open = ordered.filter((t) => t.status === 'open').length;
  return html`<section id="tasks"><h2>Tasks (${open} open)</h2><table id="task-table"><thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">What</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Checklist</th></tr></thead><tbody>${ordered.map(
    (t) =>
      html`<tr class="task-${t.status}"><td data-label="Task">${t.id}</td><td data-label="Status">${t.status}${t.required ? ' (required)' : ''}${t.overdue && t.status === 'open' ? html` <span class="badge overdue-badge">⚠ Overdue</span>` : ''}</td><td data-label="What">${redact(t.text)}</td><td data-label="Owner">${t.owner ? redact((policy && personNameOf(policy, t.owner)) || t.owner) : '—'}</td><td data-label="Due">${t.dueAt ? dateTime(new Date(t.dueAt)) : '—'}</td><td data-label="Checklist">${t.checklist ?? '—'}</td></tr>`,
  )}</tbody></table></section>`;
}
