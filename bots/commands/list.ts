import type { Command } from '../../domain/commands/types.js';
import { PHASES } from '../../domain/incident.js';
import type { TemporalContext } from '../workflow-client.js';

export interface IncidentListing {
  key: string;
  severity: string;
  phase: string;
  services: string[];
  startedAt?: string;
}

const OPEN_PHASES = PHASES.filter((p) => p !== 'closed');
const LIST_LIMIT = 100;

/** Lists incidents from Temporal visibility, newest first, filtered by the search attributes. */
export async function listIncidents(ctx: TemporalContext, command: Extract<Command, { kind: 'list' }>): Promise<IncidentListing[]> {
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
  return listings.filter((l) => (seen.has(l.key) ? false : (seen.add(l.key), true)));
}
