// One team's week at a glance, for the weekly Slack digest and the dashboard: open and overdue
// action items by owner, postmortems waiting on someone, and the incidents of the past seven days.
// Text fields are as stored; the renderer redacts them like any other outbound text.

import { sql } from 'drizzle-orm';
import type { Phase, Severity } from '../../domain/incident.js';
import type { ActionPriority, PostmortemStatus } from '../../domain/postmortem.js';
import type { Database } from '../client.js';
import { utcDate } from './dashboard-dates.js';

const DAY_MS = 86_400_000;

export interface TeamDigestOptions {
  /**
   * Services the team owns (from the policy): incidents touching them count as the team's. An
   * incident whose postmortem belongs to the team counts either way.
   */
  services?: readonly string[];
  /** Items listed per owner and per list (open, overdue); the counts are always complete. */
  itemsPerOwner?: number;
}

export interface DigestItem {
  key: string;
  incidentKey: string;
  text: string;
  service: string | null;
  priority: ActionPriority;
  /** `YYYY-MM-DD`. */
  dueDate: string;
  /** Whole days past the due date; 0 when not overdue. */
  daysOverdue: number;
  issueUrl: string | null;
}

export interface DigestOwner {
  owner: string;
  /** Open items in total, overdue included. */
  openCount: number;
  overdueCount: number;
  /** Open and past due, most overdue first. */
  overdue: DigestItem[];
  /** Open and not yet due, earliest due first. */
  open: DigestItem[];
}

export interface DigestPostmortem {
  incidentKey: string;
  title: string;
  severity: Severity;
  status: Extract<PostmortemStatus, 'draft' | 'in_review'>;
  owner: string;
  approver: string | null;
  dueAt: Date;
  /** Past its due date (a draft is listed only then). */
  overdue: boolean;
  documentUrl: string | null;
}

export interface DigestIncident {
  key: string;
  title: string;
  severity: Severity;
  phase: Phase;
  services: string[];
  declaredAt: Date;
  resolvedAt: Date | null;
}

export interface TeamDigest {
  team: string;
  /** The instant the digest describes; "today" is its UTC date. */
  now: Date;
  today: string;
  /** Owners with open items, the most overdue items first, then by name. */
  owners: DigestOwner[];
  /** In review, or still a draft past the due date; oldest due first. */
  awaitingReview: DigestPostmortem[];
  /** Declared in the seven days before `now`, newest first. */
  incidents: DigestIncident[];
  totals: { open: number; overdue: number; awaitingReview: number; incidents: number };
}

type ItemRow = {
  key: string;
  incident_key: string;
  text: string;
  owner: string;
  service: string | null;
  priority: ActionPriority;
  due_date: string;
  issue_url: string | null;
  is_overdue: boolean;
  n_open: number;
  n_overdue: number;
};

async function ownerItems(db: Database, team: string, today: string, perOwner: number): Promise<DigestOwner[]> {
  // One pass over the team's open items (team, status, due_date index); the window functions count
  // every item while only the first few per owner and list come back.
  const { rows } = await db.execute<ItemRow>(sql`
    SELECT key, incident_key, text, owner, service, priority, due_date, issue_url, is_overdue, n_open, n_overdue
    FROM (
      SELECT a.*, a.due_date < ${today}::date AS is_overdue,
        row_number() OVER (PARTITION BY a.owner, a.due_date < ${today}::date ORDER BY a.due_date, a.number) AS rn,
        count(*) OVER (PARTITION BY a.owner)::int AS n_open,
        (count(*) FILTER (WHERE a.due_date < ${today}::date) OVER (PARTITION BY a.owner))::int AS n_overdue
      FROM action_items a
      WHERE a.team = ${team} AND a.status = 'open'
        -- The digest is posted to a team channel: a private incident's items stay out of it.
        AND NOT EXISTS (SELECT 1 FROM incidents pi WHERE pi.key = a.incident_key AND pi.private)
    ) x
    WHERE rn <= ${perOwner}
    ORDER BY owner, due_date, key`);
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const owners = new Map<string, DigestOwner>();
  for (const r of rows) {
    let o = owners.get(r.owner);
    if (!o) owners.set(r.owner, (o = { owner: r.owner, openCount: r.n_open, overdueCount: r.n_overdue, overdue: [], open: [] }));
    const item: DigestItem = {
      key: r.key,
      incidentKey: r.incident_key,
      text: r.text,
      service: r.service,
      priority: r.priority,
      dueDate: r.due_date,
      daysOverdue: r.is_overdue ? Math.round((todayMs - Date.parse(`${r.due_date}T00:00:00Z`)) / DAY_MS) : 0,
      issueUrl: r.issue_url,
    };
    (r.is_overdue ? o.overdue : o.open).push(item);
  }
  return [...owners.values()].sort((a, b) => b.overdueCount - a.overdueCount || a.owner.localeCompare(b.owner));
}

async function awaitingReview(db: Database, team: string, now: Date): Promise<DigestPostmortem[]> {
  const { rows } = await db.execute<{
    incident_key: string;
    title: string;
    severity: Severity;
    status: 'draft' | 'in_review';
    owner: string;
    approver: string | null;
    due_at: string | Date;
    document_url: string | null;
  }>(sql`
    SELECT p.incident_key, i.title, i.severity, p.status, p.owner, p.approver, p.due_at, p.document_url
    FROM postmortems p JOIN incidents i ON i.key = p.incident_key
    WHERE p.team = ${team} AND NOT i.private AND (p.status = 'in_review' OR (p.status = 'draft' AND p.due_at < ${now.toISOString()}::timestamptz))
    ORDER BY p.due_at, p.incident_key`);
  return rows.map((r) => {
    const dueAt = new Date(r.due_at);
    return {
      incidentKey: r.incident_key,
      title: r.title,
      severity: r.severity,
      status: r.status,
      owner: r.owner,
      approver: r.approver,
      dueAt,
      overdue: dueAt.getTime() < now.getTime(),
      documentUrl: r.document_url,
    };
  });
}

async function weekIncidents(db: Database, team: string, now: Date, services: readonly string[]): Promise<DigestIncident[]> {
  const since = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const { rows } = await db.execute<{
    key: string;
    title: string;
    severity: Severity;
    phase: Phase;
    services: string[];
    declared_at: string | Date;
    resolved_at: string | Date | null;
  }>(sql`
    SELECT i.key, i.title, i.severity, i.phase, i.services, i.declared_at, i.resolved_at
    FROM incidents i
    WHERE i.declared_at >= ${since}::timestamptz AND i.declared_at <= ${now.toISOString()}::timestamptz AND NOT i.private
      AND (${services.length ? sql`i.services && ARRAY[${sql.join(services.map((s) => sql`${s}`), sql`, `)}]::text[]` : sql`false`}
           OR EXISTS (SELECT 1 FROM postmortems p WHERE p.incident_key = i.key AND p.team = ${team}))
    ORDER BY i.declared_at DESC, i.number DESC`);
  return rows.map((r) => ({
    key: r.key,
    title: r.title,
    severity: r.severity,
    phase: r.phase,
    services: r.services,
    declaredAt: new Date(r.declared_at),
    resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at),
  }));
}

/** The weekly digest of one team as of `now`. */
export async function teamDigest(db: Database, team: string, now: Date, options: TeamDigestOptions = {}): Promise<TeamDigest> {
  const today = utcDate(now);
  const [owners, review, incidents] = await Promise.all([
    ownerItems(db, team, today, Math.max(1, Math.trunc(options.itemsPerOwner ?? 10))),
    awaitingReview(db, team, now),
    weekIncidents(db, team, now, options.services ?? []),
  ]);
  return {
    team,
    now,
    today,
    owners,
    awaitingReview: review,
    incidents,
    totals: {
      open: owners.reduce((n, o) => n + o.openCount, 0),
      overdue: owners.reduce((n, o) => n + o.overdueCount, 0),
      awaitingReview: review.length,
      incidents: incidents.length,
    },
  };
}
