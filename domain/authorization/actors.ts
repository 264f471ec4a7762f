// Who is asking, as the policy sees them. Every decision starts here, so a Slack ID, a GitHub login
// and a CLI name of the same person are one person, and someone in no team is a guest everywhere.

import type { Actor } from '../incident.js';
import { findPersonByActor, type PersonInTeam, type Policy } from '../policy/rules.js';

export type ResolvedActor =
  | { kind: 'system' }
  | { kind: 'member'; key: string; person: PersonInTeam }
  /** In no team of the policy: may do only what `guests.may` lists, never hold a role or approve. */
  | { kind: 'guest'; key: string };

export function resolveActor(policy: Policy, actor: Actor): ResolvedActor {
  if (actor.source === 'system') return { kind: 'system' };
  const person = findPersonByActor(policy, actor);
  return person ? { kind: 'member', key: person.name, person } : { kind: 'guest', key: `${actor.source}:${actor.id}` };
}

/** The key separation of duties compares: the policy name of a member, `source:id` of a guest. */
export function actorKey(actor: ResolvedActor): string {
  return actor.kind === 'system' ? 'system' : actor.key;
}
