import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { incidents } from '../../db/schema/index.js';
import type { Command } from '../../domain/commands/types.js';
import { PHASES } from '../../domain/incident.js';
import { getIncidentView, type TemporalContext } from '../workflow-client.js';

export interface IncidentListing {
  key: string;
  severity: string;
  phase: string;
  services: string[];
  startedAt?: string;
  /** As stored, unredacted: each front-end redacts and neutralises where it renders. */
  title?: string;
}

const OPEN_PHASES = PHASES.filter((p) => p !== 'closed');
const LIST_LIMIT = 100;

/** Lists incidents from Temporal visibility, newest first, filtered by the search attributes. */
export async function listIncidents(ctx: TemporalContext & { db?: Database }, command: Extract<Command, { kind: 'list' }>): Promise<IncidentListing[]> {
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

async function withTitles(ctx: TemporalContext & { db?: Database }, listings: IncidentListing[]): Promise<IncidentListing[]> {
  if (listings.length === 0) return listings;
  const titles = new Map<string, string>();
  if (ctx.db) {
    const rows = await ctx.db.select({ key: incidents.key, title: incidents.title }).from(incidents).where(inArray(incidents.key, listings.map((l) => l.key)));
    for (const row of rows) titles.set(row.key, row.title);
  } else {
    const open = listings.filter((l) => l.phase !== 'closed');
    const deadline = Date.now() + TITLES_WITHIN_MS;
    for (let i = 0; i < open.length && Date.now() < deadline; i += QUERIES_AT_ONCE) {
      const batch = open.slice(i, i + QUERIES_AT_ONCE);
      // A listing without its title beats no listing: an incident that cannot answer is shown bare.
      const views = await Promise.allSettled(batch.map((l) => ctx.client.withDeadline(deadline, () => getIncidentView(ctx, l.key))));
      views.forEach((v, j) => v.status === 'fulfilled' && titles.set(batch[j]!.key, v.value.title));
    }
  }
  return listings.map((l) => (titles.has(l.key) ? { ...l, title: titles.get(l.key) } : l));
}
