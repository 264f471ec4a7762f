// The overview page's questions, "what is on fire right now": open incidents, access requests
// waiting for approval, live sandboxes and overdue action items per team. Every list is bounded and
// ordered; private incidents (and their grants, sandboxes and items) appear only when the caller
// names them as visible, the same rule as the incident list and the action board.

import { sql, type SQL } from 'drizzle-orm';
import type { Actor, Phase, Severity } from '../../domain/incident.js';
import type { Database } from '../client.js';
import { utcDate } from './dashboard-dates.js';

/** Phases before resolution: the incident is still being worked. */
export const OPEN_PHASES: readonly Phase[] = ['declared', 'triage', 'mitigating', 'monitoring'];
/** Sandboxes that exist (or are being built) and have not started tearing down. */
export const LIVE_SANDBOX_STATUSES = ['provisioning', 'ready'] as const;
/** Enough for a page someone reads at a glance; more is a sign to use the incident list. */
export const OVERVIEW_LIMIT = 100;

export interface OverviewOptions {
  now: Date;
  /** Keys of private incidents the viewer is a member of; other private incidents are left out. */
  visiblePrivate: readonly string[];
  limit?: number;
}

export interface OpenIncident {
  key: string;
  title: string;
  severity: Severity;
  phase: Phase;
  private: boolean;
  commander: Actor | null;
  declaredAt: Date;
}

export interface PendingGrant {
  key: string;
  incidentKey: string;
  requester: Actor;
  capabilities: string[];
  requestedAt: Date;
}

export interface LiveSandbox {
  key: string;
  incidentKey: string;
  requester: Actor;
  status: string;
  expiresAt: Date | null;
}

export interface TeamOverdue {
  /** Null for items filed without a team. */
  team: string | null;
  overdue: number;
}

export interface Overview {
  incidents: OpenIncident[];
  grants: PendingGrant[];
  sandboxes: LiveSandbox[];
  overdueByTeam: TeamOverdue[];
}

/** A condition on the incident aliased `i`: public, or private and visible to the viewer. */
function visible(keys: readonly string[]): SQL {
  if (keys.length === 0) return sql`NOT i.private`;
  return sql`(NOT i.private OR i.key IN (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}))`;
}

const phaseList = sql.join(OPEN_PHASES.map((p) => sql`${p}`), sql`, `);
const liveList = sql.join(LIVE_SANDBOX_STATUSES.map((s) => sql`${s}`), sql`, `);
const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export async function dashboardOverview(db: Database, options: OverviewOptions): Promise<Overview> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? OVERVIEW_LIMIT), 1), OVERVIEW_LIMIT);
  const seen = visible(options.visiblePrivate);
  const [incidents, grants, boxes, overdue] = await Promise.all([
    // Worst first, and within a severity the longest burning first.
    db.execute<{ key: string; title: string; severity: Severity; phase: Phase; private: boolean; commander: Actor | null; declared_at: string }>(sql`
      SELECT i.key, i.title, i.severity, i.phase, i.private, i.roles -> 'commander' AS commander, i.declared_at
      FROM incidents i WHERE i.phase IN (${phaseList}) AND ${seen}
      ORDER BY i.severity, i.declared_at, i.number LIMIT ${limit}`),
    db.execute<{ key: string; incident_key: string; requester: Actor; capabilities: string[]; requested_at: string }>(sql`
      SELECT g.key, g.incident_key, g.requester, g.capabilities, g.requested_at
      FROM access_grants g JOIN incidents i ON i.key = g.incident_key
      WHERE g.status = 'pending' AND ${seen}
      ORDER BY g.requested_at, g.number LIMIT ${limit}`),
    // The sandbox closest to its TTL first; one still provisioning has no expiry yet and goes last.
    db.execute<{ key: string; incident_key: string; requester: Actor; status: string; expires_at: string | null }>(sql`
      SELECT s.key, s.incident_key, s.requester, s.status, s.expires_at
      FROM sandboxes s JOIN incidents i ON i.key = s.incident_key
      WHERE s.status IN (${liveList}) AND s.ended_at IS NULL AND ${seen}
      ORDER BY s.expires_at NULLS LAST, s.number LIMIT ${limit}`),
    db.execute<{ team: string | null; overdue: number }>(sql`
      SELECT a.team, count(*)::int AS overdue
      FROM action_items a JOIN incidents i ON i.key = a.incident_key
      WHERE a.status = 'open' AND a.due_date < ${utcDate(options.now)}::date AND ${seen}
      GROUP BY a.team ORDER BY overdue DESC, a.team NULLS LAST LIMIT ${limit}`),
  ]);
  return {
    incidents: incidents.rows.map((r) => ({
      key: r.key,
      title: r.title,
      severity: r.severity,
      phase: r.phase,
      private: r.private,
      commander: r.commander,
      declaredAt: new Date(r.declared_at),
    })),
    grants: grants.rows.map((r) => ({ key: r.key, incidentKey: r.incident_key, requester: r.requester, capabilities: r.capabilities, requestedAt: new Date(r.requested_at) })),
    sandboxes: boxes.rows.map((r) => ({ key: r.key, incidentKey: r.incident_key, requester: r.requester, status: r.status, expiresAt: toDate(r.expires_at) })),
    overdueByTeam: overdue.rows.map((r) => ({ team: r.team, overdue: r.overdue })),
  };
}
