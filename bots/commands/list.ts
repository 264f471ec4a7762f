import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { incidents } from '../../db/schema/index.js';
import type { Command } from '../../domain/commands/types.js';
import { PHASES } from '../../domain/incident.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { isIncidentMember, type PrivacyFacts } from '../../domain/policy/privacy-rules.js';
import { getIncidentView, type TemporalContext } from '../workflow-client.js';

export interface IncidentListing {
  key: string;
  severity: string;
  phase: string;
  services: string[];
  startedAt?: string;
  /** As stored, unredacted: each front-end redacts and neutralises where it renders. */
  title?: string;
  /** A private incident the asking person is not a member of: listed without its title. */
  private?: boolean;
}

type ListContext = TemporalContext & { db?: Database; policy?: Policy; actor?: Actor };

const OPEN_PHASES = PHASES.filter((p) => p !== 'closed');
const LIST_LIMIT = 100;

/** Lists incidents from Temporal visibility, newest first, filtered by the search attributes. */
export async function listIncidents(ctx: ListContext, command: Extract<Command, { kind: 'list' }>): Promise<IncidentListing[]> {
  const clauses = [`WorkflowType = 'incidentWorkflow'`];
  if (command.scope === 'open') clauses.push(`FirebreakPhase IN (${OPEN_PHASES.map((p) => `'${p}'`).join(', ')})`);
  if (command.severity) clauses.push(`FirebreakSeverity = '${command.severity}'`);
  for (const service of command.services) clauses.push(`FirebreakServices = '${service.replace(/'/g, '')}'`);
  const listings: IncidentListing[] = [];
  for await (const execution of ctx.client.workflow.list({ query: clauses.join(' AND '), pageSize: LIST_LIMIT })) {
    const attributes = execution.typedSearchAttributes;
    const get = (name: string) => attributes.getAll().find((pair) => pair.key.name === name)?.value;
    listings.push({
      key: String(get('FirebreakIncident') ?? execution.workflowId.replace(/^incident:/, '')),
      severity: String(get('FirebreakSeverity') ?? ''),
      phase: String(get('FirebreakPhase') ?? ''),
      services: (get('FirebreakServices') as string[] | undefined) ?? [],
      startedAt: execution.startTime.toISOString(),
    });
    if (listings.length >= LIST_LIMIT) break;
  }
  // Continue-as-new leaves one closed run per incident; the running one is listed first by Temporal.
  const seen = new Set<string>();
  return withTitles(ctx, listings.filter((l) => (seen.has(l.key) ? false : (seen.add(l.key), true))));
}

// Titles are no search attribute (visibility is not encrypted): one read of Postgres when the
// front-end has it, otherwise each open incident's own state, a few at a time (a closed one's
// workflow has ended, and asking it would replay its whole history). An incident whose worker does
// not answer in time is listed without its title rather than holding up the listing.
const QUERIES_AT_ONCE = 8;
const TITLES_WITHIN_MS = 3_000;

async function withTitles(ctx: ListContext, listings: IncidentListing[]): Promise<IncidentListing[]> {
  if (listings.length === 0) return listings;
  const titles = new Map<string, string>();
  const hidden = new Set<string>();
  // A private incident's title is for its members; others see that it exists.
  const hide = (key: string, facts: PrivacyFacts) => {
    if (facts.private === true && !(ctx.policy && ctx.actor && isIncidentMember(ctx.policy, facts, ctx.actor))) hidden.add(key);
  };
  if (ctx.db) {
    const rows = await ctx.db
      .select({ key: incidents.key, title: incidents.title, private: incidents.private, reporter: incidents.reporter, roles: incidents.roles, members: incidents.members })
      .from(incidents)
      .where(inArray(incidents.key, listings.map((l) => l.key)));
    for (const row of rows) {
      titles.set(row.key, row.title);
      hide(row.key, row);
    }
  } else {
    const open = listings.filter((l) => l.phase !== 'closed');
    const deadline = Date.now() + TITLES_WITHIN_MS;
    for (let i = 0; i < open.length && Date.now() < deadline; i += QUERIES_AT_ONCE) {
      const batch = open.slice(i, i + QUERIES_AT_ONCE);
      // A listing without its title beats no listing: an incident that cannot answer is shown bare.
      const views = await Promise.allSettled(batch.map((l) => ctx.client.withDeadline(deadline, () => getIncidentView(ctx, l.key))));
      views.forEach((v, j) => {
        if (v.status !== 'fulfilled') return;
        titles.set(batch[j]!.key, v.value.title);
        hide(batch[j]!.key, v.value);
      });
    }
  }
  return listings.map((l) => (hidden.has(l.key) ? { ...l, private: true } : titles.has(l.key) ? { ...l, title: titles.get(l.key) } : l));
}
