// What Firebreak writes into GitHub: one comment per incident event worth a comment, and a summary
// block in the issue body that is rewritten in place. Everything people wrote is redacted, then
// neutralised (neutralise.ts), before it is composed with Firebreak's own markup and markers.

import type { IncidentNotice } from '../../workflows/incident/messages.js';
import type { Redactor } from '../../domain/redact.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { extraRoles } from '../../domain/incident-roles.js';
import { eventMarker, incidentMarker, SUMMARY_END, SUMMARY_START } from '../../domain/github/refs.js';

/** Events that get a comment; notes, reminders and pins stay in Slack and the timeline. */
export const COMMENTED_KINDS: ReadonlySet<IncidentNotice['kind']> = new Set(['phase', 'severity', 'status_update', 'context', 'role']);

/** Redacts with the incident's tokens, then makes the result inert for GitHub. */
function userText(redactor: Redactor, incident: string): (text: string) => string {
  const scoped = redactor.forIncident(incident);
  return (text) => neutraliseGitHubText(scoped.redact(text));
}

export function renderComment(notice: IncidentNotice, redactor: Redactor): string {
  const { view } = notice;
  const safe = userText(redactor, notice.incident);
  const who = view.timeline.at(-1)?.actor;
  const by = who && who.source !== 'system' ? ` — ${safe(who.name ?? who.id)}` : '';
  const heading: Record<string, string> = {
    phase: `**${view.key} is ${view.phase}**`,
    severity: `**${view.key} severity ${view.severity}**`,
    status_update: `**Status update on ${view.key}**`,
    context: `**Triage context for ${view.key}** (changes shortly before it was declared)`,
    role: `**${view.key} roles**`,
  };
  const text = notice.kind === 'context' ? notice.text.split('\n').map((l) => `- ${safe(l)}`).join('\n') : safe(notice.text);
  return `${eventMarker(notice.incident, notice.eventKey)}\n${heading[notice.kind] ?? `**${view.key}**`}${by}\n\n${text}`;
}

export interface SummaryExtras {
  /** Where the incident is discussed in Slack, when it has a channel. */
  slack?: string;
}

export function renderSummary(view: IncidentView, extras: SummaryExtras, redactor: Redactor): string {
  const safe = userText(redactor, view.key);
  const person = (role: 'commander' | 'comms' | 'scribe') => view.roles[role]?.name ?? view.roles[role]?.id ?? '—';
  const lastStatus = [...view.timeline].reverse().find((e) => e.kind === 'status_update');
  const rows: [string, string][] = [
    ['Severity', view.severity],
    ['Phase', view.phase],
    ['Services', safe(view.services.join(', ')) || '—'],
    ['Commander', safe(person('commander'))],
    ['Comms', safe(person('comms'))],
    ...extraRoles(view.roles, view.requiredRoles).map((r): [string, string] => [r.role, r.holder ? safe(r.holder.name ?? r.holder.id) : r.required ? '— (required)' : '—']),
    ['Declared', `${view.declaredAt} via ${view.source} by ${safe(view.reporter.name ?? view.reporter.id)}`],
    ['Last status update', lastStatus ? `${lastStatus.at}: ${safe(lastStatus.text)}` : '—'],
  ];
  if (extras.slack) rows.push(['Slack', extras.slack]);
  if (view.resolvedAt) rows.push(['Resolved', view.resolvedAt]);
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const table = rows.map(([k, v]) => `| ${k} | ${cell(v)} |`).join('\n');
  return [SUMMARY_START, `### 🔥 ${view.key}: ${cell(safe(view.title))}`, '', '| | |', '|---|---|', table, '', '_Kept current by Firebreak; edits inside this block are overwritten._', SUMMARY_END].join('\n');
}

/** The body with its summary block replaced, or the block appended when there is none yet. */
export function withSummary(body: string | null | undefined, summary: string): string {
  const text = body ?? '';
  const start = text.indexOf(SUMMARY_START);
  const end = text.indexOf(SUMMARY_END);
  if (start >= 0 && end > start) return text.slice(0, start) + summary + text.slice(end + SUMMARY_END.length);
  return text.trim() ? `${text.trimEnd()}\n\n${summary}` : summary;
}

export function trackingIssueTitle(view: IncidentView, redactor: Redactor): string {
  return `${view.key}: ${userText(redactor, view.key)(view.title)}`;
}

export function trackingIssueBody(view: IncidentView, extras: SummaryExtras, redactor: Redactor): string {
  const origin = view.sourceRef ? `${view.source} (${view.sourceRef})` : view.source;
  return `${incidentMarker(view.key)}\nTracking issue for ${view.key}, declared via ${userText(redactor, view.key)(origin)}. Discuss and act on it in Slack or with \`/incident …\` comments here.\n\n${renderSummary(view, extras, redactor)}`;
}

export function severityLabel(view: Pick<IncidentView, 'severity'>): string {
  return `sev:${view.severity.slice(3)}`;
}

/** The issue's labels with the severity label following the incident. */
export function labelsFor(current: string[], view: IncidentView, incidentLabel: string): string[] {
  const kept = current.filter((l) => !/^sev:[1-4]$/i.test(l));
  const wanted = [...kept, severityLabel(view)];
  return wanted.includes(incidentLabel) ? wanted : [incidentLabel, ...wanted];
}
