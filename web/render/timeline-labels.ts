// What the incident page's timeline calls each recorded event. The stored kinds are the workflow's
// vocabulary ("child", "status_update"); people read these labels instead. Typed against every
// TimelineKind, so a new kind does not compile until it has a label here.

import type { TimelineKind } from '../../domain/timeline.js';

const KIND_LABELS: Record<TimelineKind, string> = {
  declared: 'Declared',
  phase: 'Phase',
  severity: 'Severity',
  role: 'Role',
  details: 'Details changed',
  note: 'Note',
  status_update: 'Status update',
  reminder: 'Reminder',
  teardown: 'Teardown',
  child: 'Related work',
  pinned: 'Pinned message',
  context: 'Context',
  task: 'Task',
  privacy: 'Privacy',
};

/** A child event (db/queries/child-events.ts) is named by what it belongs to: its action's prefix. */
const CHILD_LABELS: Record<string, string> = {
  access: 'Access',
  sandbox: 'Sandbox',
  postmortem: 'Postmortem',
  action: 'Action item',
  flag: 'Flag rollback',
};

/** Older rows may hold kinds no longer in the union (e.g. "resolved"): shown as words, not code. */
function asWords(kind: string): string {
  const words = kind.replace(/[_.-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Event';
}

export function timelineLabel(kind: string, details: Record<string, unknown> = {}): string {
  if (kind === 'child') {
    const prefix = typeof details.action === 'string' ? details.action.split('.')[0]! : '';
    return Object.hasOwn(CHILD_LABELS, prefix) ? CHILD_LABELS[prefix]! : KIND_LABELS.child;
  }
  return Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind as TimelineKind] : asWords(kind);
}
