import { and, arrayOverlaps, desc, eq, ne, notInArray } from 'drizzle-orm';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import { incidents } from '../db/schema/index.js';
import type { TriageContextInput } from '../workflows/incident/messages.js';

/** One source of context (GitHub, flags, our own incident history): a few lines and their data. */
export interface TriageSource {
  name: string;
  /** Our own database answers a second later: its failure retries the activity rather than being recorded. */
  retryOnFailure?: boolean;
  gather(input: TriageContextInput): Promise<{ lines: string[]; details?: Record<string, unknown> } | undefined>;
}

const SIMILAR_LIMIT = 5;

/** Open incidents on the same services: often the same outage reported twice. */
export function similarIncidentsSource(db: Database): TriageSource {
  return {
    name: 'similar-incidents',
    retryOnFailure: true,
    async gather(input) {
      if (input.services.length === 0) return undefined;
      const rows = await db
        .select({ key: incidents.key, title: incidents.title, severity: incidents.severity, phase: incidents.phase })
        .from(incidents)
        // A private incident is never named on another incident's timeline: that one's mirrors are public.
        .where(and(ne(incidents.key, input.incident), eq(incidents.private, false), arrayOverlaps(incidents.services, input.services), notInArray(incidents.phase, ['resolved', 'postmortem', 'closed'])))
        // The most recent first: a duplicate report of the same outage was declared minutes ago.
        .orderBy(desc(incidents.declaredAt))
        .limit(SIMILAR_LIMIT);
      if (rows.length === 0) return undefined;
      return {
        lines: [`Open incidents on the same services: ${rows.map((r) => `${r.key} (${r.severity}, ${r.phase}) ${r.title}`).join('; ')}`],
        details: { similar: rows.map((r) => r.key) },
      };
    },
  };
}

export function createTriageActivities({ sources, redactor }: { sources: TriageSource[]; redactor: Redactor }) {
  return {
    /** Asks every source; one failing outside source is reported in the text, not fatal for the others. */
    async gatherTriageContext(input: TriageContextInput): Promise<{ text: string; details: Record<string, unknown> }> {
      const lines: string[] = [];
      const details: Record<string, unknown> = {};
      for (const source of sources) {
        try {
          const found = await source.gather(input);
          if (!found) continue;
          lines.push(...found.lines);
          details[source.name] = found.details ?? {};
        } catch (err) {
          if (source.retryOnFailure) throw err;
          lines.push(`(${source.name} unavailable: ${err instanceof Error ? err.message : String(err)})`);
        }
      }
      const scoped = redactor.forIncident(input.incident);
      return { text: scoped.redact(lines.join('\n')), details: scoped.redactDeep(details) };
    },
  };
}
