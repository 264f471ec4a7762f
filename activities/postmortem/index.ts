// The postmortem workflow's side effects: drafting the document from what Postgres knows about the
// incident, writing every change (row + timeline + audit), GitHub (document, one issue per action
// item) and notices to people. Every activity is idempotent: Temporal retries them.

import { ApplicationFailure } from '@temporalio/common';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { getIncident } from '../../db/queries/incidents.js';
import { listIncidentGrants } from '../../db/queries/grants.js';
import { listFlagRollbacks } from '../../db/queries/flags.js';
import { actionItemsOf, allocateActionItemNumber, applyPostmortemEvent, getPostmortem } from '../../db/queries/postmortems.js';
import { auditLog, postmortems, sandboxes, timelineEvents, type IncidentRow, type PostmortemRow } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle, severityPolicy, type Policy } from '../../domain/policy/index.js';
import { computeMetrics, renderPostmortemDocument, type PostmortemMetrics } from '../../domain/postmortem.js';
import type { Redactor } from '../../domain/redact.js';
import type { Logger } from '../../platform/logger.js';
import { sendWeeklyDigests } from './digest.js';
import type { PostmortemNotifier, PostmortemPublisher } from './ports.js';
import type { StoredPostmortemEvent } from '../../domain/child-events.js';
import type { DraftedPostmortem, DraftPostmortemInput, PostmortemNotice } from '../../workflows/postmortem/messages.js';

export interface PostmortemActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  notifiers: PostmortemNotifier[];
  /** GitHub, when configured: documents and action-item issues. */
  publisher?: PostmortemPublisher;
  /** For the dashboard link in digests. */
  publicUrl?: string;
}

// When a severity needs no postmortem but someone starts one anyway.
const DEFAULT_DUE_DAYS = 14;
export const UNASSIGNED = 'unassigned';

const refused = (message: string) => ApplicationFailure.create({ type: 'PostmortemRefused', message, nonRetryable: true });

export function createPostmortemActivities(deps: PostmortemActivityDeps) {
  const { db, redactor } = deps;

  /** Owner: the one asked for, else the commander, else the reporter, else the first owning team's manager. */
  function chooseOwner(policy: Policy, incident: IncidentRow, asked?: Actor) {
    const candidates = [asked, incident.roles.commander, incident.reporter].filter((a): a is Actor => a !== undefined);
    for (const actor of candidates) {
      const person = findPersonByActor(policy, actor) ?? (actor === asked ? findPersonByHandle(policy, actor.name ?? actor.id) : undefined);
      if (person) return person;
    }
    const team = incident.services.flatMap((s) => policy.services[s]?.owners ?? [])[0];
    const manager = team ? policy.teams[team]?.manager : undefined;
    return manager ? findPersonByHandle(policy, manager) : undefined;
  }

  async function documentOf(incident: IncidentRow, pm: Pick<PostmortemRow, 'owner' | 'dueAt' | 'status' | 'approver' | 'metrics'>): Promise<string> {
    const policy = deps.policy();
    const nameOf = (actor: Actor) => (actor.source === 'system' ? 'Firebreak' : (findPersonByActor(policy, actor)?.name ?? actor.name ?? actor.id));
    const timeline = await db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, incident.key), sql`${timelineEvents.kind} <> 'context'`))
      .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
    const seen = new Set(timeline.map((t) => t.idempotencyKey));
    // Audit entries not on the timeline (approvals recorded only there) complete the story.
    const audit = await db
      .select()
      .from(auditLog)
      .where(or(eq(auditLog.subject, incident.key), sql`${auditLog.details}->>'incident' = ${incident.key}`))
      .orderBy(asc(auditLog.seq));
    const entries = [
      ...timeline.map((t) => ({ at: t.occurredAt.toISOString(), who: nameOf(t.actor), text: t.text })),
      ...audit.filter((a) => !seen.has(a.idempotencyKey)).map((a) => ({ at: a.at.toISOString(), who: nameOf(a.actor), text: String(a.details.text ?? a.action) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const grants = (await listIncidentGrants(db, incident.key)).map((g) => `${g.key}: ${g.capabilities.join(', ')} for ${nameOf(g.requester)}, ${g.status} (${g.reason})`);
    const sbx = (await db.select().from(sandboxes).where(eq(sandboxes.incidentKey, incident.key)).orderBy(asc(sandboxes.number))).map(
      (s) => `${s.key}: ${s.source}, seed ${s.seed}, ${s.status}${s.contentHash ? `, content ${s.contentHash.slice(0, 12)}` : ''}`,
    );
    const rollbacks = await listFlagRollbacks(db, incident.key);
    const flags = rollbacks.map((f) => `${f.flag} (${f.environment}): ${f.status}`);
    const openQuestions = [
      ...rollbacks.filter((f) => f.status === 'rolled back' || f.status === 'awaiting decision').map((f) => `Flag ${f.flag} (${f.environment}) is still rolled back: restore it or keep it off for good?`),
      ...(incident.roles.commander ? [] : ['Nobody took the commander role: why?']),
      ...(incident.mitigatedAt ? [] : ['The incident was never marked mitigated: when did customer impact end?']),
    ];
    const items = await actionItemsOf(db, incident.key);
    const markdown = renderPostmortemDocument({
      incident: incident.key,
      title: incident.title,
      severity: incident.severity,
      services: incident.services,
      ...(incident.description ? { description: incident.description } : {}),
      ...(incident.roles.commander ? { commander: nameOf(incident.roles.commander) } : {}),
      owner: pm.owner,
      dueAt: pm.dueAt.toISOString(),
      status: pm.status,
      ...(pm.approver ? { approver: pm.approver } : {}),
      milestones: milestones(incident),
      metrics: pm.metrics,
      timeline: entries,
      grants,
      sandboxes: sbx,
      flags,
      openQuestions,
      actionItems: items.map((a) => ({ key: a.key, text: a.text, owner: a.owner, due: a.dueDate, priority: a.priority, status: a.status, ...(a.issueUrl ? { url: a.issueUrl } : {}) })),
    });
    return redactor.forIncident(incident.key).redact(markdown);
  }

  async function refresh(incidentKey: string): Promise<{ row: PostmortemRow; markdown: string }> {
    const incident = await getIncident(db, incidentKey);
    const row = await getPostmortem(db, incidentKey);
    if (!incident || !row) throw refused(`There is no postmortem of ${incidentKey}.`);
    const metrics = computeMetrics(milestones(incident));
    const markdown = await documentOf(incident, { ...row, metrics });
    await db.update(postmortems).set({ document: markdown, metrics, updatedAt: new Date() }).where(eq(postmortems.incidentKey, incidentKey));
    return { row: { ...row, metrics, document: markdown }, markdown };
  }

  return {
    /** Creates the postmortem row once; a retry or a second start returns what exists. */
    async draftPostmortem(input: DraftPostmortemInput): Promise<DraftedPostmortem> {
      const existing = await getPostmortem(db, input.incident);
      const asDraft = (row: PostmortemRow): DraftedPostmortem => ({
        status: row.status,
        owner: row.owner,
        ...(row.team ? { team: row.team } : {}),
        dueAt: row.dueAt.toISOString(),
        metrics: row.metrics,
      });
      if (existing) return asDraft(existing);
      const incident = await getIncident(db, input.incident);
      if (!incident) throw refused(`There is no incident ${input.incident}.`);
      const policy = deps.policy();
      // Nobody the policy knows: the postmortem still exists, and `postmortem owner:@user` fixes it.
      const owner = chooseOwner(policy, incident, input.owner) ?? { name: UNASSIGNED, team: undefined };
      const dueDays = severityPolicy(policy, incident.severity).postmortem.dueDays ?? DEFAULT_DUE_DAYS;
      const from = incident.resolvedAt ?? new Date(input.at);
      const dueAt = new Date(from.getTime() + dueDays * 86_400_000);
      const metrics = computeMetrics(milestones(incident));
      const document = await documentOf(incident, { owner: owner.name, dueAt, status: 'draft', approver: null, metrics });
      const event: StoredPostmortemEvent = {
        incident: input.incident,
        idempotencyKey: input.idempotencyKey,
        at: input.at,
        actor: input.requestedBy,
        action: 'postmortem.draft',
        text: `Postmortem of ${input.incident} drafted; owner ${owner.name}, due ${dueAt.toISOString().slice(0, 10)}`,
        details: { owner: owner.name, dueAt: dueAt.toISOString(), metrics },
        postmortem: { create: { owner: owner.name, team: owner.team, dueAt: dueAt.toISOString(), metrics, document } },
      };
      await applyPostmortemEvent(db, event);
      return asDraft((await getPostmortem(db, input.incident))!);
    },

    /** Rebuilds the document (and metrics) from the incident as it is now. */
    async refreshPostmortemDocument(input: { incident: string }): Promise<{ metrics: PostmortemMetrics }> {
      return { metrics: (await refresh(input.incident)).row.metrics };
    },

    async recordPostmortemEvent(event: StoredPostmortemEvent): Promise<{ applied: boolean }> {
      if (!event.idempotencyKey.startsWith(`postmortem:${event.incident}:`)) {
        throw ApplicationFailure.create({ type: 'InvalidPostmortemEvent', message: `Idempotency key ${event.idempotencyKey} does not belong to ${event.incident}.`, nonRetryable: true });
      }
      const scoped = redactor.forIncident(event.incident);
      const item = event.item?.create ? { ...event.item, create: { ...event.item.create, text: scoped.redact(event.item.create.text) } } : event.item;
      return {
        applied: await applyPostmortemEvent(db, { ...event, text: scoped.redact(event.text), details: scoped.redactDeep(event.details), ...(item ? { item } : {}) }),
      };
    },

    async allocateActionItem(input: { requestKey: string }): Promise<{ item: string }> {
      return { item: (await allocateActionItemNumber(db, input.requestKey)).item };
    },

    /** Refreshes the document and commits it to the policy's postmortems repository when GitHub is on. */
    async publishPostmortemDocument(input: { incident: string; message: string }): Promise<{ url?: string }> {
      const { markdown } = await refresh(input.incident);
      const settings = deps.policy().postmortems;
      const repo = githubRepoFor(deps.policy(), await getIncident(db, input.incident), settings.repo);
      if (!deps.publisher || !repo) return {};
      const path = `${settings.path.replace(/\/*$/, '/')}${input.incident}.md`.replace(/^\/+/, '');
      return deps.publisher.publishDocument({ incident: input.incident, repo, path, markdown, message: input.message });
    },

    /** The action item's GitHub issue in its service's repository; undefined without GitHub. */
    async openActionItemIssue(input: { incident: string; item: string }): Promise<{ ref: string; url: string } | undefined> {
      if (!deps.publisher) return undefined;
      const [row] = (await actionItemsOf(db, input.incident)).filter((a) => a.key === input.item);
      const incident = await getIncident(db, input.incident);
      if (!row || !incident) throw refused(`There is no action item ${input.item} in ${input.incident}.`);
      if (row.issueRef && row.issueUrl) return { ref: row.issueRef, url: row.issueUrl };
      const policy = deps.policy();
      const service = incident.services.find((s) => policy.services[s]);
      const repo = githubRepoFor(policy, incident, service ? policy.services[service]!.repo : undefined);
      if (!repo) return undefined;
      const owner = findPersonByHandle(policy, row.owner);
      return deps.publisher.createActionIssue({
        incident: input.incident,
        item: row.key,
        repo,
        title: redactor.forIncident(input.incident).redact(`${row.key}: ${row.text}`),
        body: redactor.forIncident(input.incident).redact(
          [`Action item from the postmortem of ${input.incident} (${incident.title}).`, '', `- **Owner:** ${row.owner}`, `- **Due:** ${row.dueDate}`, `- **Priority:** ${row.priority}`, '', 'Close this issue when it is done; Firebreak marks the item done.'].join('\n'),
        ),
        ...(owner ? { assignee: owner.github } : {}),
      });
    },

    async setActionIssueState(input: { ref: string; state: 'open' | 'closed'; comment?: string }): Promise<void> {
      if (deps.publisher) await deps.publisher.setIssueState(input);
    },

    /** Every team's weekly digest, to its manager. */
    async sendWeeklyDigests(input: { at: string }): Promise<{ sent: string[] }> {
      return sendWeeklyDigests(deps, new Date(input.at));
    },

    /** Delivers one notice through every notifier; each remembers (by key) what it already posted. */
    async notifyPostmortem(notice: PostmortemNotice): Promise<void> {
      // A team digest spans incidents, so it has no incident's tokens.
      const clean = { ...notice, text: (notice.incident ? redactor.forIncident(notice.incident) : redactor).redact(notice.text) };
      deps.logger.info({ incident: notice.incident, key: notice.key, audience: notice.audience.kind }, 'postmortem notice');
      const failures: unknown[] = [];
      for (const notifier of deps.notifiers) {
        await notifier.notify(clean).catch((err: unknown) => failures.push(err));
      }
      if (failures.length) throw failures[0];
    },
  };
}

function milestones(incident: IncidentRow) {
  return {
    declaredAt: incident.declaredAt.toISOString(),
    ...(incident.acknowledgedAt ? { acknowledgedAt: incident.acknowledgedAt.toISOString() } : {}),
    ...(incident.mitigatedAt ? { mitigatedAt: incident.mitigatedAt.toISOString() } : {}),
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt.toISOString() } : {}),
  };
}

/**
 * Where a postmortem or action item of this incident may go on GitHub: a private incident's only to
 * the policy's private repository (privateIncidents.githubRepo), or nowhere; others to `publicRepo`.
 */
function githubRepoFor(policy: Policy, incident: IncidentRow | undefined, publicRepo: string | undefined): string | undefined {
  return incident?.private ? policy.privateIncidents?.githubRepo : publicRepo;
}
