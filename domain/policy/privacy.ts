// The `privateIncidents:` section: who is always let into a private incident (besides its reporter,
// commander and the people members invite), where its GitHub mirror goes (a private repository, or
// none at all), and whether dashboard charts count private incidents. A private incident stays off
// every public path: the announcement channel, the digest, public GitHub issues and the status page.

import { z } from 'zod';
import { githubRepo, matching } from './values.js';

// "anyone" would make every private incident public, and role holders are members anyway.
const member = matching<`team:${string}` | `person:${string}`>(/^(team|person):[A-Za-z0-9][A-Za-z0-9._-]*$/, '"team:NAME" or "person:NAME"');
const bool = z.boolean({ error: (issue) => (issue.input === undefined ? 'missing, expected true or false' : `expected true or false, got ${JSON.stringify(issue.input)}`) });

export const privateIncidentsSection = z.strictObject({
  members: z.array(member).default(() => []),
  /** Private incidents are mirrored to issues in this repository; without it, not to GitHub at all. */
  githubRepo: githubRepo.optional(),
  includeInMetrics: bool.default(false),
});

export type PrivateIncidentsPolicy = z.output<typeof privateIncidentsSection>;

/** Teams and people named under members must exist; the path and message of the first that does not. */
export function privateMembersProblem(section: PrivateIncidentsPolicy | undefined, teams: readonly string[], people: readonly string[]): { path: PropertyKey[]; message: string } | undefined {
  for (const [i, m] of (section?.members ?? []).entries()) {
    const [kind, value = ''] = m.split(':');
    if (kind === 'team' && !teams.includes(value)) return { path: ['privateIncidents', 'members', i], message: `team "${value}" is not defined under teams (defined: ${teams.join(', ') || 'none'})` };
    if (kind === 'person' && !people.includes(value)) return { path: ['privateIncidents', 'members', i], message: `person "${value}" is not a member of any team` };
  }
  return undefined;
}
