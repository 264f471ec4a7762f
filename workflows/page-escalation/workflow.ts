import { sleep } from '@temporalio/workflow';
import { escalationText } from '../../domain/paging.js';
import { escalation, people } from './activities.js';
import { ESCALATION_LEVELS, type PageEscalationInput, type PageEscalationResult } from './messages.js';

/**
 * One page's escalation: wait ackWithin, and if the incident is still not acknowledged (nor
 * resolved), wake the next level (level 1 the service's owning team's manager, level 2 the
 * fallback) by DM, timeline note and, when configured, a webhook trigger naming them; then wait
 * again. The waits are Temporal timers, so a worker restart loses none and repeats no level; every
 * effect is keyed by page, service and level.
 */
export async function pageEscalationWorkflow(input: PageEscalationInput): Promise<PageEscalationResult> {
  const escalatedTo: string[] = [];
  for (let level = 1; level <= ESCALATION_LEVELS; level++) {
    await sleep(input.ackWithinSeconds * 1000);
    const step = await escalation.planPageEscalation({ incident: input.incident, service: input.service, level });
    if (step.settled) return { level: level - 1, escalatedTo };
    // A level with nobody to wake (no manager, no fallback) wakes no one; the next still waits its ackWithin.
    if (!step.target) continue;
    const escalate = { ...input, level, target: step.target };
    await escalation.recordPageEscalation(escalate);
    await people.notifyPostmortem({
      incident: input.incident,
      key: `page-escalation:${input.dedupKey}:${input.service}:${level}`,
      audience: { kind: 'person', person: { name: step.target.name, slack: step.target.slack, github: step.target.github } },
      text: escalationText(escalate),
    });
    escalatedTo.push(step.target.name);
  }
  return { level: ESCALATION_LEVELS, escalatedTo };
}
