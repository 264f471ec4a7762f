// The incident roles a policy knows, read from a parsed `roles:` section. Apart from the schema
// (roles.ts) because workflow code and the decision point call it (see paging-rules.ts for why).

import { ROLES, type Severity } from '../incident.js';
import type { RolePolicy } from './roles.js';
import type { Policy } from './schema.js';

/** Built-in roles first, then the policy's own in file order. */
export function knownRoles(policy: Pick<Policy, 'roles'>): string[] {
  return [...new Set([...ROLES, ...Object.keys(policy.roles ?? {})])];
}

/** The refusal for a role the policy does not know, listing those it does; undefined when known. */
export function unknownRoleProblem(policy: Pick<Policy, 'roles'>, role: string): string | undefined {
  const known = knownRoles(policy);
  if (known.includes(role)) return undefined;
  return `"${role}" is not an incident role; the roles are ${known.join(', ')}.`;
}

/** What the policy says about a role (its instructions), if it lists it. */
export function rolePolicy(policy: Pick<Policy, 'roles'>, role: string): RolePolicy | undefined {
  return Object.hasOwn(policy.roles ?? {}, role) ? policy.roles?.[role] : undefined;
}

/** The policy's roles someone must hold at this severity (never the commander, nudged on its own). */
export function requiredRoles(policy: Pick<Policy, 'roles'>, severity: Severity): string[] {
  return Object.entries(policy.roles ?? {})
    .filter(([name, r]) => name !== 'commander' && r.required && (!r.severities || r.severities.includes(severity)))
    .map(([name]) => name);
}
