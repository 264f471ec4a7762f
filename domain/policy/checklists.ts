// The `checklists:` section: lists of tasks that attach to an incident by themselves when their
// condition holds (a severity, a service, a capability someone asked for), each task with an
// optional owner (a role or a person of the policy), a due offset and whether it blocks resolve.

import { z } from 'zod';
import { SEVERITIES } from '../incident.js';
import { capabilityName, duration, matching, name } from './values.js';

const text = matching(/^\S[^\n]{0,299}$/s, 'a task of one line and at most 300 characters');
const bool = z.boolean({ error: () => 'expected true or false' });

const task = z
  .strictObject({
    text,
    /** A role name (commander, comms, a policy role) or a person's name in the policy. */
    owner: name.optional(),
    /** How long after the checklist attaches the task is due. */
    due: duration().optional(),
    /** A required task still open refuses `resolve` until it is done or the commander waives it. */
    required: bool.default(false),
  })
  .transform(({ due, ...t }) => ({ ...t, ...(due === undefined ? {} : { dueSeconds: due }) }));

const when = z
  .strictObject({
    severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
    services: z.array(name).min(1).optional(),
    /** A grant of one of these capabilities was requested in the incident. */
    capabilities: z.array(matching(capabilityName, 'a capability name like "read-pii"')).min(1).optional(),
  })
  .refine((w) => w.severities || w.services || w.capabilities, { message: 'name at least one of severities, services or capabilities' });

const checklist = z.strictObject({ when, tasks: z.array(task).min(1).max(50) });

export const checklistsSection = z.record(name, checklist);

export type ChecklistsPolicy = z.output<typeof checklistsSection>;
export type ChecklistPolicy = ChecklistsPolicy[string];
export type ChecklistTask = ChecklistPolicy['tasks'][number];

/** A checklist naming a service or capability the policy does not define, as one line with its path. */
export function checklistReferenceProblem(
  checklists: ChecklistsPolicy | undefined,
  known: { services: string[]; capabilities: string[]; people: string[]; roles: string[] },
): { path: PropertyKey[]; message: string } | undefined {
  for (const [key, c] of Object.entries(checklists ?? {})) {
    for (const [i, service] of (c.when.services ?? []).entries()) {
      if (!known.services.includes(service)) return { path: ['checklists', key, 'when', 'services', i], message: `service "${service}" is not defined under services` };
    }
    for (const [i, cap] of (c.when.capabilities ?? []).entries()) {
      if (!known.capabilities.includes(cap)) return { path: ['checklists', key, 'when', 'capabilities', i], message: `capability "${cap}" is not defined under capabilities` };
    }
    for (const [i, t] of c.tasks.entries()) {
      if (t.owner !== undefined && !known.people.includes(t.owner) && !known.roles.includes(t.owner)) {
        return { path: ['checklists', key, 'tasks', i, 'owner'], message: `"${t.owner}" is neither a role nor a person of the policy` };
      }
    }
  }
  return undefined;
}
