// The page-escalation workflow's activities: whether the incident still needs someone woken (read
// from its stored row, which the incident writes before it tells anyone), whom each level wakes
// (level 1 the service's owning team's manager, level 2 the policy's fallback), and the escalation's
// own effects: a timeline note and, when the webhook pager is on, a trigger naming the target. Each
// effect is keyed by page, service and level, so a retried activity repeats none of them.

import { applyIncidentEvent, getIncident } from '../../db/queries/incidents.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { escalationText, type EscalatePageInput, type EscalationStep } from '../../domain/paging.js';
import { findPersonByHandle } from '../../domain/policy/lookup.js';
import type { Policy } from '../../domain/policy/index.js';
import { sendWebhookOnce } from './webhook-events.js';
import { incidentLinks } from './events.js';
import type { PagerDutyDeps } from './notifier.js';

const SETTLED_PHASES = new Set(['resolved', 'postmortem', 'closed']);

/** Level 1: the manager of the service's first owning team; level 2: the fallback; then nobody. */
export function escalationTarget(policy: Policy, service: string, level: number): EscalationStep['target'] {
  if (level === 1) {
    const team = policy.services[service]?.owners[0];
    const manager = team === undefined ? undefined : policy.teams[team]?.manager;
    const person = manager === undefined ? undefined : policy.teams[team!]!.members.find((m) => m.name === manager);
    return person ? { ...person, role: 'manager', team } : undefined;
  }
  const fallback = level === 2 ? policy.paging?.escalation?.fallback : undefined;
  const person = fallback === undefined ? undefined : findPersonByHandle(policy, fallback);
  if (!person) return undefined;
  const { team: _team, ...rest } = person;
  return { ...rest, role: 'fallback' };
}

export function createPageEscalationActivities(deps: PagerDutyDeps) {
  return {
    async planPageEscalation(input: { incident: string; service: string; level: number }): Promise<EscalationStep> {
      const row = await getIncident(deps.db, input.incident);
      if (!row || row.acknowledgedAt || SETTLED_PHASES.has(row.phase)) return { settled: true };
      const target = escalationTarget(deps.policy(), input.service, input.level);
      return { settled: false, ...(target ? { target } : {}) };
    },

    async recordPageEscalation(input: EscalatePageInput): Promise<void> {
      const text = escalationText(input);
      const redact = deps.redactor.forIncident(input.incident);
      await applyIncidentEvent(deps.db, {
        incident: input.incident,
        idempotencyKey: `${input.incident}:page-escalation:${input.dedupKey}:${input.service}:${input.level}`,
        at: new Date().toISOString(),
        kind: 'note',
        actor: SYSTEM_ACTOR,
        text: redact.redact(text),
        details: { pageEscalation: { service: input.service, dedupKey: input.dedupKey, level: input.level, target: input.target.name, role: input.target.role } },
      });
      const webhook = deps.webhookPager();
      if (webhook) {
        await sendWebhookOnce(deps.db, webhook, {
          action: 'trigger',
          incident: input.incident,
          service: input.service,
          dedupKey: `${input.dedupKey}:escalation:${input.level}`,
          severity: input.severity,
          summary: redact.redact(text),
          links: await incidentLinks(deps.db, input.incident),
          target: { name: input.target.name, level: input.level, role: input.target.role },
        });
      }
      deps.logger.info({ incident: input.incident, service: input.service, level: input.level, target: input.target.name }, 'page escalated');
    },
  };
}

export type PageEscalationActivities = ReturnType<typeof createPageEscalationActivities>;
