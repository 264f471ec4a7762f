// The group's signal, query and update. Deliveries queue up in arrival order; the workflow's loop
// applies them one at a time, so concurrent deliveries of one group never interleave their notes.
// A triage decision is recorded here and acted on by the same loop, after the policy decision point
// allowed it: deciding whether an alert is an incident takes the `declare` permission either way
// (Decline is the same judgement as Accept, audited with who and when, and the alerts stay recorded;
// a stricter Decline would only push people to accept noise). Guests decide only if guests.may
// grants them declare.

import { condition, setHandler } from '@temporalio/workflow';
import { alreadyDecidedText, type AlertDelivery } from '../../domain/alerts/index.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { check, enforce } from '../kernel/authorization.js';
import { refuse } from '../kernel/refusal.js';
import { alertDeliverySignal, alertGroupStateQuery, decideTriageUpdate, type DecideTriageInput, type DecideTriageResult, type TriageState } from './messages.js';
import type { AlertGroup } from './state.js';

const displayName = (actor: Actor) => actor.name ?? `${actor.source}:${actor.id}`;

export function registerAlertGroupHandlers(group: AlertGroup, pending: AlertDelivery[], policy: () => Policy | undefined): void {
  setHandler(alertDeliverySignal, (delivery) => void pending.push(delivery));
  setHandler(alertGroupStateQuery, () => group.view());
  setHandler(
    decideTriageUpdate,
    async (input) => {
      const triage = undecided(group);
      await condition(() => policy() !== undefined);
      await enforce(policy()!, input.actor, { action: 'declare' }, { subject: group.workflowId, incident: group.workflowId });
      // Two clicks in one moment both pass the validator; the first one recorded decides.
      if (triage.decision) refuse('AlreadyDecided', alreadyDecidedText(triage.decision.decision === 'accept' ? 'accepted' : 'declined', displayName(triage.decision.actor)));
      triage.decision = { decision: input.decision, actor: input.actor, at: new Date().toISOString() };
      await condition(() => triage.status !== 'pending' && (triage.status !== 'accepted' || group.state.incident !== undefined));
      return outcome(group, triage);
    },
    {
      validator: (input: DecideTriageInput) => {
        if ((input?.decision !== 'accept' && input?.decision !== 'decline') || typeof input.actor?.id !== 'string') refuse('InvalidDecision', 'A triage decision is accept or decline, by someone.');
        undecided(group);
        const loaded = policy();
        if (loaded) check(loaded, input.actor, { action: 'declare' });
      },
    },
  );
}

/** The pending question, or a refusal saying why there is none to answer. */
function undecided(group: AlertGroup): TriageState {
  const triage = group.state.held?.triage;
  if (!triage || triage.status === 'unasked') refuse('NotAwaitingTriage', 'This alert group is not waiting for a triage decision; nothing changed.');
  if (triage.status !== 'pending' || triage.decision) {
    const decided = triage.decision;
    const status = triage.status === 'pending' ? (decided?.decision === 'decline' ? 'declined' : 'accepted') : triage.status;
    refuse('AlreadyDecided', alreadyDecidedText(status, decided ? displayName(decided.actor) : undefined, group.state.incident));
  }
  return triage;
}

function outcome(group: AlertGroup, triage: TriageState): DecideTriageResult {
  if (triage.status === 'accepted') {
    const incident = group.state.incident!;
    return { status: 'accepted', incident, text: `Accepted: ${group.state.attached ? `the alert joined ${incident}, the service's open incident` : `declared ${incident}`}.` };
  }
  if (triage.status === 'declined') return { status: 'declined', text: 'Declined: no incident was declared, and the decision is recorded.' };
  return refuse('AlreadyDecided', alreadyDecidedText('resolved'));
}
