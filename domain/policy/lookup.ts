// Finding people and per-severity settings in the policy. Front-ends know a person by the ID their
// source gives (Slack user ID, GitHub login, CLI user); the policy knows them by name.

import type { Actor, Severity } from '../incident.js';
import type { Person, Policy, SeverityPolicy } from './schema.js';

export type PersonInTeam = Person & { team: string };

function* everyone(policy: Policy): Generator<PersonInTeam> {
  for (const [team, t] of Object.entries(policy.teams)) {
    for (const member of t.members) yield { ...member, team };
  }
}

function same(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * The person behind an actor, with the first team (in file order) they belong to. A CLI user with
 * no `cli` name in the policy is matched by their policy name.
 */
export function findPersonByActor(policy: Policy, actor: Actor): PersonInTeam | undefined {
  for (const p of everyone(policy)) {
    if (actor.source === 'slack' && p.slack === actor.id) return p;
    if (actor.source === 'github' && same(p.github, actor.id)) return p;
    if (actor.source === 'cli' && (p.cli ?? p.name) === actor.id) return p;
  }
  return undefined;
}

/** A person named the way people type names: `alice`, `@alice`, a Slack ID, a GitHub login. */
export function findPersonByHandle(policy: Policy, handle: string): PersonInTeam | undefined {
  const h = handle.trim().replace(/^@/, '');
  if (!h) return undefined;
  for (const p of everyone(policy)) {
    if (same(p.name, h) || same(p.slack, h) || same(p.github, h) || same(p.cli, h)) return p;
  }
  return undefined;
}

/** Names of the teams a person is a member of, in file order. */
export function teamsOf(policy: Policy, personName: string): string[] {
  return Object.entries(policy.teams)
    .filter(([, t]) => t.members.some((m) => m.name === personName))
    .map(([team]) => team);
}

export function severityPolicy(policy: Policy, sev: Severity): SeverityPolicy {
  return policy.severities[sev];
}
