// The weekly digest each team's manager receives: open and overdue action items by owner,
// postmortems awaiting review, and the team's incidents of the week.

import type { Database } from '../../db/client.js';
import { teamDigest, type TeamDigest } from '../../db/queries/dashboard-digest.js';
import { findPersonByHandle, type Policy } from '../../domain/policy/index.js';
import type { PostmortemNotifier } from './ports.js';

export function renderDigest(d: TeamDigest, publicUrl?: string): string {
  const lines = [
    `*Weekly digest for team ${d.team}* (${d.today}): ${d.totals.open} open action item${d.totals.open === 1 ? '' : 's'}, ${d.totals.overdue} overdue; ${d.totals.awaitingReview} postmortem${d.totals.awaitingReview === 1 ? '' : 's'} awaiting review; ${d.totals.incidents} incident${d.totals.incidents === 1 ? '' : 's'} this week.`,
  ];
  if (d.owners.length) {
    lines.push('', '*Action items by owner*');
    for (const o of d.owners) {
      lines.push(`• ${o.owner}: ${o.openCount} open, ${o.overdueCount} overdue`);
      for (const i of o.overdue) lines.push(`    – OVERDUE ${i.daysOverdue}d: ${i.key} ${i.text} (${i.incidentKey}, due ${i.dueDate}, ${i.priority})`);
      for (const i of o.open) lines.push(`    – ${i.key} ${i.text} (${i.incidentKey}, due ${i.dueDate}, ${i.priority})`);
    }
  }
  if (d.awaitingReview.length) {
    lines.push('', '*Postmortems awaiting review*');
    for (const p of d.awaitingReview) lines.push(`• ${p.incidentKey} ${p.title}: ${p.status.replace('_', ' ')}, owner ${p.owner}, due ${p.dueAt.toISOString().slice(0, 10)}${p.overdue ? ' — OVERDUE' : ''}`);
  }
  if (d.incidents.length) {
    lines.push('', '*Incidents this week*');
    for (const i of d.incidents) lines.push(`• ${i.key} ${i.severity} ${i.title} (${i.phase})`);
  }
  if (publicUrl) lines.push('', `Dashboard: ${publicUrl}/actions?team=${encodeURIComponent(d.team)}`);
  return lines.join('\n');
}

export interface DigestDeps {
  db: Database;
  policy: () => Policy;
  notifiers: PostmortemNotifier[];
  publicUrl?: string;
}

/** One digest per team; the key (team + day) makes a retried run post nothing twice. */
export async function sendWeeklyDigests(deps: DigestDeps, at: Date): Promise<{ sent: string[] }> {
  const policy = deps.policy();
  const sent: string[] = [];
  for (const [team, settings] of Object.entries(policy.teams)) {
    const manager = findPersonByHandle(policy, settings.manager);
    if (!manager) continue;
    const services = Object.entries(policy.services).filter(([, s]) => s.owners.includes(team)).map(([name]) => name);
    const digest = await teamDigest(deps.db, team, at, { services });
    const notice = { key: `digest:${team}:${digest.today}`, audience: { kind: 'team' as const, team, manager }, text: renderDigest(digest, deps.publicUrl) };
    for (const notifier of deps.notifiers) await notifier.notify(notice);
    sent.push(team);
  }
  return { sent };
}
