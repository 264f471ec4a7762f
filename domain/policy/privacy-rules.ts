// Who is a member of a private incident, read from a parsed policy. Apart from the schema
// (privacy.ts) because workflow code and every front-end ask this: workflows must not load zod.

import type { Actor, Role } from '../incident.js';
import { findPersonByActor } from './lookup.js';
import type { Policy } from './schema.js';

/** What membership is judged on: the incident's reporter, role holders and invited people. */
export interface PrivacyFacts {
  private?: boolean | null;
  reporter: Actor;
  roles: Partial<Record<Role, Actor>>;
  members?: Actor[] | null;
}

/** Policy names of the people `privateIncidents.members` always lets in. */
export function policyMembers(policy: Policy): string[] {
  const names = new Set<string>();
  for (const m of policy.privateIncidents?.members ?? []) {
    const [kind, value = ''] = m.split(':');
    if (kind === 'person') names.add(value);
    else for (const p of policy.teams[value]?.members ?? []) names.add(p.name);
  }
  return [...names];
}

function sameActor(a: Actor, b: Actor): boolean {
  return a.source === b.source && a.id.toLowerCase() === b.id.toLowerCase();
}

/** Everyone the incident itself lets in: the reporter, every role holder and the invited. */
export function incidentActors(facts: PrivacyFacts): Actor[] {
  return [facts.reporter, ...Object.values(facts.roles).filter((a): a is Actor => a !== undefined), ...(facts.members ?? [])];
}

/**
 * Whether this person (an actor, or a policy name as the dashboard knows people) may see the
 * incident. Public incidents: everyone. Private ones: members only, matched through the policy so
 * a Slack ID, a GitHub login and a policy name of the same person are one member.
 */
export function isIncidentMember(policy: Policy, facts: PrivacyFacts, who: Actor | string): boolean {
  if (facts.private !== true) return true;
  const name = typeof who === 'string' ? who : findPersonByActor(policy, who)?.name;
  if (name !== undefined && policyMembers(policy).includes(name)) return true;
  return incidentActors(facts).some((a) => {
    if (typeof who !== 'string' && sameActor(a, who)) return true;
    return name !== undefined && findPersonByActor(policy, a)?.name === name;
  });
}

/** Policy names of every member a private incident has now (people the policy does not know are left out). */
export function memberNames(policy: Policy, facts: PrivacyFacts): string[] {
  const names = new Set(policyMembers(policy));
  for (const a of incidentActors(facts)) {
    const person = findPersonByActor(policy, a);
    if (person) names.add(person.name);
  }
  return [...names];
}
