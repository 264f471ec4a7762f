// The incident page's tasks, folded from the recorded 'task' timeline events (domain/tasks.ts):
// open ones first. Task text is what people wrote, so it is redacted and HTML-escaped like notes.

import type { TimelineEventRow } from '../../db/schema/index.js';
import { foldTaskEvents } from '../../domain/tasks.js';
import { html, type SafeHtml } from '../render/html.js';
import { dateTime } from '../render/layout.js';

export function tasksSection(timeline: readonly TimelineEventRow[], redact: (text: string) => string): SafeHtml {
  const tasks = foldTaskEvents(timeline);
  if (tasks.length === 0) return html`<section id="tasks"><h2>Tasks</h2><p class="muted">None.</p></section>`;
  const ordered = [...tasks.filter((t) => t.status === 'open'), ...tasks.filter((t) => t.status !== 'open')];
  const open = ordered.filter((t) => t.status === 'open').length;
  return html`<section id="tasks"><h2>Tasks (${open} open)</h2><table id="task-table"><thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">What</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Checklist</th></tr></thead><tbody>${ordered.map(
    (t) =>
      html`<tr class="task-${t.status}"><td>${t.id}</td><td>${t.status}${t.required ? ' (required)' : ''}${t.overdue && t.status === 'open' ? html` <span class="badge overdue-badge">⚠ Overdue</span>` : ''}</td><td>${redact(t.text)}</td><td>${t.owner ? redact(t.owner) : '—'}</td><td>${t.dueAt ? dateTime(new Date(t.dueAt)) : '—'}</td><td>${t.checklist ?? '—'}</td></tr>`,
  )}</tbody></table></section>`;
}
