// Private incidents (issue 17 §1): `invite @user` adds a person to a private incident, `private`
// makes an incident private, `public` makes it public again. The decision point decides who may
// (domain/authorization: members invite, the commander makes public); each change is on the
// timeline and audited, and the notice that follows tells Slack to invite the new member.

import { resolveActor, type ResolvedActor } from '../../domain/authorization/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByHandle } from '../../domain/policy/rules.js';
import { isIncidentMember, memberNames } from '../../domain/policy/privacy-rules.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

/** The person being added, as the policy knows them (a handle typed in a command included). */
function inviteeOf(rt: IncidentRuntime, person: Actor): ResolvedActor {
  const resolved = resolveActor(rt.policy(), person);
  if (resolved.kind !== 'guest') return resolved;
  const byHandle = findPersonByHandle(rt.policy(), person.name ?? person.id);
  return byHandle ? { kind: 'member', key: byHandle.name, person: byHandle } : resolved;
}

/** A person the policy knows is kept as their Slack identity and name: the channel invite and later checks find them. */
function canonical(rt: IncidentRuntime, person: Actor): Actor {
  const invitee = inviteeOf(rt, person);
  return invitee.kind === 'member' ? { source: 'slack', id: invitee.person.slack, name: invitee.person.name } : person;
}

function nameOf(actor: Actor): string {
  return actor.name ?? actor.id;
}

export function registerPrivacyHandlers(rt: IncidentRuntime): void {
  const { state } = rt;

  rt.handle<msg.InviteInput, msg.PrivacyResult>(
    msg.inviteUpdate,
    (i) => {
      rt.requireEditable();
      if (!i.person || typeof i.person.id !== 'string' || !i.person.id) rt.refuse('InvalidInput', 'Name the person to add, like `invite @alice`.');
      if (state.private !== true) rt.refuse('InvalidInput', `${rt.name} is not private: anyone may join its channel, so there is nobody to invite.`);
      if (rt.policyLoaded && isIncidentMember(rt.policy(), state, canonical(rt, i.person))) rt.refuse('InvalidInput', `${nameOf(i.person)} is already a member of ${rt.name}.`);
    },
    async (i) => {
      const person = canonical(rt, i.person);
      const text = `${nameOf(i.actor)} added ${nameOf(person)} to the private incident`;
      await rt.record('privacy', i.actor, text, {
        changes: { members: [...(state.members ?? []), person] },
        details: { event: 'invite', person },
        auditAction: 'incident.invite',
      });
      return { incident: rt.name, private: true, text };
    },
    (i) => rt.decision('invite', { privateIncident: state.private === true, members: memberNames(rt.policy(), state), invitee: inviteeOf(rt, i.person) }),
  );

  rt.handle<msg.SetPrivacyInput, msg.PrivacyResult>(
    msg.setPrivacyUpdate,
    (i) => {
      rt.requireEditable();
      if (typeof i.private !== 'boolean') rt.refuse('InvalidInput', 'Say whether the incident becomes private or public.');
      if (i.private === (state.private === true)) rt.refuse('InvalidInput', `${rt.name} is already ${i.private ? 'private' : 'public'}.`);
    },
    async (i) => {
      const text = i.private
        ? `${nameOf(i.actor)} made the incident private: it leaves announcements, the digest, public GitHub issues and the status page`
        : `${nameOf(i.actor)} made the incident public again`;
      await rt.record('privacy', i.actor, text, {
        changes: { private: i.private },
        details: { event: i.private ? 'private' : 'public' },
        auditAction: i.private ? 'incident.private' : 'incident.public',
      });
      return { incident: rt.name, private: i.private, text };
    },
    (i) => rt.decision(i.private ? 'makePrivate' : 'makePublic'),
  );
}
