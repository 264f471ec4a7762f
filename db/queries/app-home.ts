// What a person's App Home shows (domain/slack/home-view.ts), read for one policy person: the open
// incidents they reported or hold a role in, the pending grants the decision point lets them approve,
// and their open action items due within a week. Also remembers who was shown what, so a change can
// refresh the Home of someone it took something away from (a role handed on, an item reassigned).

import { and, asc, desc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Actor } from '../../domain/incident.js';
import type { PersonInTeam, Policy } from '../../domain/policy/index.js';
import { grantsAwaiting } from '../../domain/slack/home-approvals.js';
import type { HomeData, HomeIncident } from '../../domain/slack/home-view.js';
import type { Database } from '../client.js';
import { accessGrants, actionItems, incidentLinks as links, incidents, processedRequests } from '../schema/index.js';

const INCIDENT_LIMIT = 50;
const GRANT_LIMIT = 200;
const ITEM_LIMIT = 50;
const DUE_WITHIN_DAYS = 7;
const SHOWN_KIND = 'slack.home-shown';

/** The actors one person appears as on each front-end. */
function actorsOf(person: PersonInTeam): Actor[] {
  return [
    { source: 'slack', id: person.slack },
    ...(person.github ? [{ source: 'github' as const, id: person.github }] : []),
    { source: 'cli', id: person.cli ?? person.name },
  ];
}

const sameActor = (a: Actor, b: Actor) => a.source === b.source && a.id.toLowerCase() === b.id.toLowerCase();

async function myIncidents(db: Database, person: PersonInTeam): Promise<HomeIncident[]> {
  const mine = actorsOf(person);
  const patterns = sql.join(
    mine.map((a) => sql`${JSON.stringify({ source: a.source, id: a.id })}::jsonb`),
    sql`, `,
  );
  const rows = await db
    .select({ key: incidents.key, title: incidents.title, severity: incidents.severity, phase: incidents.phase, roles: incidents.roles, reporter: incidents.reporter })
    .from(incidents)
    .where(
      and(
        ne(incidents.phase, 'closed'),
        sql`(${incidents.reporter} @> ANY(ARRAY[${patterns}]) OR EXISTS (SELECT 1 FROM jsonb_each(${incidents.roles}) AS held WHERE held.value @> ANY(ARRAY[${patterns}])))`,
      ),
    )
    .orderBy(desc(incidents.number))
    .limit(INCIDENT_LIMIT);
  const channels = rows.length
    ? await db.select({ incident: links.incidentKey, id: links.externalId, data: links.data }).from(links).where(and(eq(links.kind, 'slack-channel'), inArray(links.incidentKey, rows.map((r) => r.key))))
    : [];
  return rows.map((row) => {
    const channel = channels.find((c) => c.incident === row.key && !(c.data as { gone?: unknown } | null)?.gone);
    return {
      key: row.key,
      title: row.title,
      severity: row.severity,
      phase: row.phase,
      roles: Object.entries(row.roles)
        .filter(([, holder]) => holder !== undefined && mine.some((a) => sameActor(a, holder)))
        .map(([role]) => role),
      ...(channel ? { channelId: channel.id } : {}),
    };
  });
}

async function myApprovals(db: Database, policy: Policy, person: PersonInTeam): Promise<HomeData['approvals']> {
  const rows = await db
    .select({ grant: accessGrants.key, incident: accessGrants.incidentKey, requester: accessGrants.requester, capabilities: accessGrants.capabilities, durationSeconds: accessGrants.durationSeconds, reason: accessGrants.reason, approvals: accessGrants.approvals, roles: incidents.roles })
    .from(accessGrants)
    .innerJoin(incidents, eq(incidents.key, accessGrants.incidentKey))
    .where(eq(accessGrants.status, 'pending'))
    .orderBy(asc(accessGrants.number))
    .limit(GRANT_LIMIT);
  const pending = rows.map((r) => ({ ...r, approvedBy: r.approvals.map((a) => a.actor), ...(r.roles.commander ? { commander: r.roles.commander } : {}) }));
  return grantsAwaiting(policy, person.name, pending).map((g) => {
    const row = rows.find((r) => r.grant === g.grant)!;
    return {
      grant: g.grant,
      incident: g.incident,
      requester: g.requester.name ?? g.requester.id,
      capabilities: g.capabilities,
      durationSeconds: row.durationSeconds,
      reason: row.reason,
      approvals: g.approvedBy.length,
      quorum: g.quorum,
    };
  });
}

async function myActionItems(db: Database, person: PersonInTeam, today: string): Promise<HomeData['actionItems']> {
  const until = new Date(Date.parse(`${today}T00:00:00Z`) + DUE_WITHIN_DAYS * 86_400_000).toISOString().slice(0, 10);
  const rows = await db
    .select({ key: actionItems.key, incident: actionItems.incidentKey, text: actionItems.text, due: actionItems.dueDate, issueUrl: actionItems.issueUrl })
    .from(actionItems)
    .where(and(eq(actionItems.owner, person.name), eq(actionItems.status, 'open'), lte(actionItems.dueDate, until)))
    .orderBy(asc(actionItems.dueDate), asc(actionItems.number))
    .limit(ITEM_LIMIT);
  return rows.map((r) => ({ key: r.key, incident: r.incident, text: r.text, due: r.due, ...(r.issueUrl ? { issueUrl: r.issueUrl } : {}) }));
}

/** Everything one person's Home shows, as of `now`. */
export async function loadHome(db: Database, policy: Policy, person: PersonInTeam, now = new Date()): Promise<HomeData> {
  const today = now.toISOString().slice(0, 10);
  const [mine, approvals, items] = await Promise.all([myIncidents(db, person), myApprovals(db, policy, person), myActionItems(db, person, today)]);
  return { incidents: mine, approvals, actionItems: items, today };
}

/** The incidents, grants and items a published Home listed. */
export function subjectsOf(data: HomeData): string[] {
  return [...data.incidents.map((i) => i.key), ...data.approvals.map((a) => a.grant), ...data.actionItems.map((i) => i.key)];
}

/** Notes that `slackUser`'s Home listed these subjects (one row per subject, its viewers in a set), so a later change to one refreshes it. */
export async function rememberHomeSubjects(db: Database, slackUser: string, subjects: string[]): Promise<void> {
  if (subjects.length === 0) return;
  await db
    .insert(processedRequests)
    .values([...new Set(subjects)].map((subject) => ({ key: shownKey(subject), kind: SHOWN_KIND, result: { users: [slackUser] } })))
    .onConflictDoUpdate({
      target: processedRequests.key,
      set: { result: sql`jsonb_build_object('users', (SELECT jsonb_agg(DISTINCT u ORDER BY u) FROM jsonb_array_elements((${processedRequests.result}->'users') || (excluded.result->'users')) AS u))` },
      where: sql`NOT ((${processedRequests.result}->'users') @> (excluded.result->'users'))`,
    });
}

/** The Slack users whose Home listed any of these subjects. */
export async function homeViewersOf(db: Database, subjects: string[]): Promise<string[]> {
  if (subjects.length === 0) return [];
  const rows = await db
    .select({ result: processedRequests.result })
    .from(processedRequests)
    .where(and(eq(processedRequests.kind, SHOWN_KIND), inArray(processedRequests.key, subjects.map(shownKey))))
    .orderBy(asc(processedRequests.key));
  return [...new Set(rows.flatMap((r) => (Array.isArray(r.result.users) ? r.result.users.map(String) : [])))];
}

const shownKey = (subject: string) => `slack-home:${subject}`;

/** An incident's commander now, who may approve some of its grants. */
export async function incidentCommander(db: Database, incident: string): Promise<Actor | undefined> {
  const [row] = await db.select({ roles: incidents.roles }).from(incidents).where(eq(incidents.key, incident));
  return row?.roles.commander;
}

/** The owner (policy name) of an action item. */
export async function actionItemOwner(db: Database, key: string): Promise<string | undefined> {
  const [row] = await db.select({ owner: actionItems.owner }).from(actionItems).where(eq(actionItems.key, key));
  return row?.owner;
}
