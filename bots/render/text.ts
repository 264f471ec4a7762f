// Plain-text rendering of incidents for Slack replies, GitHub comments and the CLI. Formatting
// only: the caller redacts the result once, for its destination (redaction.ts).

import { formatDuration } from '../../domain/duration.js';
import type { Actor } from '../../domain/incident.js';
import { rolesToShow } from '../../domain/incident-roles.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import type { IncidentListing } from '../commands/list.js';

const TIMELINE_LINES = 10;

function who(actor: Actor | undefined): string {
  if (!actor) return '—';
  return actor.name ?? actor.id;
}

export function renderIncident(view: IncidentView, now = Date.now()): string {
  const roles = rolesToShow(view.roles, view.requiredRoles).map((r) => `${r.role}: ${who(r.holder)}${r.required && !r.holder ? ' (required)' : ''}`).join('   ');
  const lines = [
    `${view.key}  ${view.severity}  ${view.phase}  ${view.title}`,
    `services: ${view.services.length ? view.services.join(', ') : '—'}   declared ${ago(view.declaredAt, now)} by ${who(view.reporter)} via ${view.source}`,
    roles,
  ];
  if (view.statusUpdateDueAt) {
    const due = Date.parse(view.statusUpdateDueAt) - now;
    lines.push(due > 0 ? `next status update due in ${formatDuration(due / 1000)}` : `status update overdue by ${formatDuration(-due / 1000)}`);
  }
  for (const [label, items] of [
    ['flag changes', view.flagChanges],
    ['action items', view.actionItems],
  ] as const) {
    if (items.length) lines.push(`${label}: ${items.map((c) => `${c.id} ${c.status}`).join(', ')}`);
  }
  // A line per grant: who holds what until when matters more during an incident than a bare status.
  if (view.grants.length) lines.push('grants:', ...view.grants.map((g) => `  ${g.id} ${g.status.replace('_', ' ')} ${g.summary}`));
  // Sandboxes likewise: source, seed, expiry and content hash (the summary carries the provenance).
  if (view.sandboxes.length) lines.push('sandboxes:', ...view.sandboxes.map((s) => `  ${s.id} ${s.status.replace('_', ' ')} — ${s.summary}`));
  if (view.timeline.length) {
    lines.push('timeline:');
    for (const entry of view.timeline.slice(-TIMELINE_LINES)) {
      lines.push(`  ${entry.at.slice(11, 19)}Z  ${entry.kind.padEnd(13)} ${entry.text}  (${who(entry.actor)})`);
    }
  }
  return lines.join('\n');
}

export function renderListing(incidents: IncidentListing[]): string {
  if (incidents.length === 0) return 'No incidents match.';
  // One line per incident whatever the title holds; the title last, as the longest column.
  return incidents
    .map((i) => `${i.key.padEnd(8)} ${i.severity.padEnd(5)} ${i.phase.padEnd(11)} ${(i.services.join(',') || '—').padEnd(12)} ${i.private ? '(private)' : oneLine(i.title ?? '')}`.trimEnd())
    .join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function ago(iso: string, now: number): string {
  return `${formatDuration(Math.max(0, now - Date.parse(iso)) / 1000)} ago`;
}
