// The `roles:` section: incident roles beyond commander, comms and scribe (an `ops-lead`, a
// `customer-liaison`), each with instructions its holder is sent by DM when given the role. A role
// may be required, for every severity or the ones listed: while nobody holds it, the incident
// nudges its channel as it does for a missing commander. The built-in roles may be listed too, to
// give their holders instructions.

import { z } from 'zod';
import { SEVERITIES } from '../incident.js';
import { capabilityName, expectedGot, matching } from './values.js';

const text = matching(/\S/, 'some text');
const bool = z.boolean({ error: (issue) => expectedGot('true or false', issue.input) });
const severity = z.enum(SEVERITIES, { error: (issue) => expectedGot(`one of ${SEVERITIES.join(', ')}`, issue.input) });

/** Role names share the capability names' charset: they are typed in commands (`role ops-lead @alice`). */
export const roleName = matching(capabilityName, 'a role name like "ops-lead"');

const role = z
  .strictObject({
    description: text.optional(),
    instructions: matching(/\S/, 'the instructions its holder is sent').refine((s) => s.length <= 3000, 'instructions may be at most 3000 characters'),
    required: bool.default(false),
    /** Where required: these severities only (every severity when left out). */
    severities: z.array(severity).min(1).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.severities && !r.required) ctx.addIssue({ code: 'custom', path: ['severities'], message: 'only a required role names severities; add required: true or remove severities' });
  });

export const rolesSection = z.record(roleName, role).superRefine((roles, ctx) => {
  if (roles.commander?.required) {
    ctx.addIssue({ code: 'custom', path: ['commander', 'required'], message: 'the commander is always required (nudged after severities.*.commanderWithin); remove required' });
  }
});

export type RolesPolicy = z.output<typeof rolesSection>;
export type RolePolicy = RolesPolicy[string];
