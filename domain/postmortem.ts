// Postmortems and their action items: states, metrics, the document, and when the postmortem
// workflow must remind or escalate. Pure: the workflow, the activities, the bots and the dashboard
// share it.

export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published', 'closed'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export const ACTION_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];

export const ACTION_ITEM_STATUSES = ['open', 'done'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export const ACTION_ISSUE_LABEL = 'postmortem-action';

/** Durations in seconds from declaration (or detection) to each milestone; absent when never reached. */
export interface PostmortemMetrics {
  timeToDetectSeconds?: number;
  timeToAcknowledgeSeconds?: number;
  timeToMitigateSeconds?: number;
  timeToResolveSeconds?: number;
}

export interface IncidentMilestones {
  /** When the problem started, when the trigger (an alert, an issue) says so. */
  detectedAt?: string;
  declaredAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
}

const seconds = (from: string, to: string | undefined): number | undefined =>
  to === undefined ? undefined : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/**
 * Acknowledge, mitigate and resolve count from the declaration, the moment Firebreak knew; detect
 * counts from the start the trigger reported to the declaration.
 */
export function computeMetrics(m: IncidentMilestones): PostmortemMetrics {
  const out: PostmortemMetrics = {};
  const ttd = m.detectedAt === undefined ? undefined : seconds(m.detectedAt, m.declaredAt);
  const tta = seconds(m.declaredAt, m.acknowledgedAt);
  const ttm = seconds(m.declaredAt, m.mitigatedAt);
  const ttr = seconds(m.declaredAt, m.resolvedAt);
  if (ttd !== undefined) out.timeToDetectSeconds = ttd;
  if (tta !== undefined) out.timeToAcknowledgeSeconds = tta;
  if (ttm !== undefined) out.timeToMitigateSeconds = ttm;
  if (ttr !== undefined) out.timeToResolveSeconds = ttr;
  return out;
}

/** `1h 05m`, `3m 20s`, `2d 4h`: precise enough for a postmortem, short enough to scan. */
export function formatElapsed(total: number): string {
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The instant an action item becomes overdue: the start (UTC) of the day after its due date. */
export function overdueAt(due: string): number {
  return Date.parse(`${due}T00:00:00Z`) + 86_400_000;
}

export function isValidDueDate(due: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due);
  if (!m) return false;
  const d = new Date(`${due}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === due;
}

export interface TrackedItem {
  key: string;
  due: string;
  status: ActionItemStatus;
  remindedFor?: string;
  overdueNoticeFor?: string;
  escalatedFor?: string;
}

export interface TrackedPostmortem {
  status: PostmortemStatus;
  dueAt: string;
  overdueNoticeFor?: string;
  escalatedFor?: string;
  items: TrackedItem[];
}

export interface ReminderTiming {
  reminderBeforeSeconds: number;
  escalateAfterSeconds: number;
}

export type PostmortemDue =
  | { kind: 'item-reminder' | 'item-overdue' | 'item-escalation'; at: number; item: string }
  | { kind: 'postmortem-overdue' | 'postmortem-escalation'; at: number };

/**
 * The earliest reminder or escalation still owed. Each fires once per due date, so moving a date
 * re-arms them; an item that is already overdue skips the "due soon" reminder.
 */
export function nextPostmortemDue(pm: TrackedPostmortem, timing: ReminderTiming, now: number): PostmortemDue | undefined {
  const candidates: PostmortemDue[] = [];
  for (const item of pm.items) {
    if (item.status !== 'open') continue;
    const late = overdueAt(item.due);
    if (item.overdueNoticeFor !== item.due) {
      if (item.remindedFor !== item.due && now < late) candidates.push({ kind: 'item-reminder', at: late - timing.reminderBeforeSeconds * 1000, item: item.key });
      candidates.push({ kind: 'item-overdue', at: late, item: item.key });
    } else if (item.escalatedFor !== item.due) {
      candidates.push({ kind: 'item-escalation', at: late + timing.escalateAfterSeconds * 1000, item: item.key });
    }
  }
  if (pm.status === 'draft' || pm.status === 'in_review') {
    const due = Date.parse(pm.dueAt);
    if (pm.overdueNoticeFor !== pm.dueAt) candidates.push({ kind: 'postmortem-overdue', at: due });
    else if (pm.escalatedFor !== pm.dueAt) candidates.push({ kind: 'postmortem-escalation', at: due + timing.escalateAfterSeconds * 1000 });
  }
  return candidates.reduce<PostmortemDue | undefined>((first, c) => (first === undefined || c.at < first.at ? c : first), undefined);
}

export interface PostmortemDocumentInput {
  incident: string;
  title: string;
  severity: string;
  services: string[];
  description?: string;
  commander?: string;
  owner: string;
  dueAt: string;
  status: PostmortemStatus;
  approver?: string;
  milestones: IncidentMilestones;
  metrics: PostmortemMetrics;
  /** Oldest first; text already redacted. */
  timeline: { at: string; who: string; text: string }[];
  grants: string[];
  sandboxes: string[];
  flags: string[];
  openQuestions: string[];
  actionItems: { key: string; text: string; owner: string; due: string; priority: ActionPriority; status: ActionItemStatus; url?: string }[];
}

const STATUS_TEXT: Record<PostmortemStatus, string> = { draft: 'Draft', in_review: 'In review', published: 'Published', closed: 'Closed' };
const TO_FILL = '_To be written by the owner._';

function table(header: string[], rows: string[][]): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** The postmortem as markdown: what Firebreak knows filled in, what people must write marked. */
export function renderPostmortemDocument(d: PostmortemDocumentInput): string {
  const metric = (label: string, value: number | undefined) => [label, value === undefined ? 'not reached' : formatElapsed(value)];
  const lines = [
    `# Postmortem ${d.incident}: ${d.title}`,
    '',
    `- **Status:** ${STATUS_TEXT[d.status]}${d.approver ? ` (approved by ${d.approver})` : ''}`,
    `- **Severity:** ${d.severity}`,
    `- **Services:** ${d.services.length ? d.services.join(', ') : 'none named'}`,
    `- **Commander:** ${d.commander ?? 'nobody took command'}`,
    `- **Owner:** ${d.owner} · **due** ${d.dueAt.slice(0, 10)}`,
    '',
    '## Summary',
    '',
    d.description ? `${d.description}\n\n${TO_FILL}` : TO_FILL,
    '',
    '## Impact',
    '',
    `Declared ${d.milestones.declaredAt}${d.milestones.resolvedAt ? `, resolved ${d.milestones.resolvedAt}` : ''}. ${TO_FILL}`,
    '',
    '## Metrics',
    '',
    ...table(['Measure', 'Time'], [
      ...(d.metrics.timeToDetectSeconds !== undefined ? [metric('Time to detect', d.metrics.timeToDetectSeconds)] : []),
      metric('Time to acknowledge', d.metrics.timeToAcknowledgeSeconds),
      metric('Time to mitigate', d.metrics.timeToMitigateSeconds),
      metric('Time to resolve', d.metrics.timeToResolveSeconds),
    ]),
    '',
    '## Timeline (UTC)',
    '',
    ...(d.timeline.length ? table(['Time', 'Who', 'What'], d.timeline.map((e) => [e.at.replace('T', ' ').slice(0, 19), e.who, e.text])) : ['Nothing was recorded.']),
    '',
    '## Tools used',
    '',
    `- **Access grants:** ${d.grants.length ? '' : 'none'}`,
    ...d.grants.map((g) => `  - ${g}`),
    `- **Sandboxes:** ${d.sandboxes.length ? '' : 'none'}`,
    ...d.sandboxes.map((s) => `  - ${s}`),
    `- **Flag changes:** ${d.flags.length ? '' : 'none'}`,
    ...d.flags.map((f) => `  - ${f}`),
    '',
    '## Open questions',
    '',
    ...(d.openQuestions.length ? d.openQuestions.map((q) => `- ${q}`) : ['- None found by Firebreak.']),
    '',
    '## Root cause',
    '',
    TO_FILL,
    '',
    '## What went well',
    '',
    TO_FILL,
    '',
    '## What went badly',
    '',
    TO_FILL,
    '',
    '## Action items',
    '',
    ...(d.actionItems.length
      ? table(['Item', 'What', 'Owner', 'Due', 'Priority', 'Status'], d.actionItems.map((a) => [a.url ? `[${a.key}](${a.url})` : a.key, a.text, a.owner, a.due, a.priority, a.status]))
      : ['None yet: add them with `/incident action add TEXT owner:@user due:YYYY-MM-DD`.']),
    '',
  ];
  return lines.join('\n');
}
