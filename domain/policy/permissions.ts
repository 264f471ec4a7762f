// Who may do what, from the policy's `permissions` section. Every front-end asks the same question
// the same way, so Slack, GitHub and the CLI refuse with the same sentence.

import { ROLES, type BuiltInRole, type Role } from '../incident.js';
import type { Policy } from './schema.js';
import type { Permission } from './permission-names.js';
import type { Principal } from './values.js';

export { DEFAULT_PERMISSIONS, PERMISSIONS, type Permission } from './permission-names.js';

export interface PermissionContext {
  /** The person's name in the policy, or undefined when the actor is not in any team. */
  person?: string;
  /** Who holds each role in the incident at hand, by person name. */
  incidentRoles: Partial<Record<Role, string>>;
  /** The incident the action is about (`INC-3`), used only to word the refusal. */
  incident?: string;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ROLE_NAMES: Record<BuiltInRole, string> = { commander: 'the incident commander', comms: 'the comms lead', scribe: 'the scribe' };

function actionText(permission: Permission, incident: string): string {
  const texts: Record<Permission, string> = {
    resolve: `resolve ${incident}`,
    reopen: `reopen ${incident}`,
    declare: 'declare incidents',
    severity: `change the severity of ${incident}`,
    assignRole: `assign roles in ${incident}`,
    approveAccess: `approve access requests in ${incident}`,
    rollbackFlag: `roll back feature flags in ${incident}`,
    emergencyBypass: 'use the emergency bypass',
    dashboard: 'open the dashboard',
    approvePostmortem: `approve the postmortem of ${incident}`,
    manageSandboxes: `extend or destroy other people's sandboxes in ${incident}`,
    publicUpdate: `post public status page updates about ${incident}`,
    page: `page people about ${incident}`,
  };
  return texts[permission];
}

function principalText(p: Principal): string {
  const [kind, value] = p.split(':') as [string, string];
  if (p === 'anyone') return 'someone in a team of the policy';
  if (kind === 'role') return ROLE_NAMES[value as BuiltInRole] ?? `the ${value}`;
  return kind === 'team' ? `a member of team ${value}` : value;
}

function joinOr(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

function matches(policy: Policy, p: Principal, ctx: PermissionContext): boolean {
  if (ctx.person === undefined || !isMember(policy, ctx.person)) return false;
  if (p === 'anyone') return true;
  const [kind, value] = p.split(':') as [string, string];
  if (kind === 'role') return (ROLES as readonly string[]).includes(value) && ctx.incidentRoles[value as Role] === ctx.person;
  if (kind === 'person') return value === ctx.person;
  return policy.teams[value]?.members.some((m) => m.name === ctx.person) ?? false;
}

function isMember(policy: Policy, person: string): boolean {
  return Object.values(policy.teams).some((t) => t.members.some((m) => m.name === person));
}

export function isAllowed(policy: Policy, permission: Permission, ctx: PermissionContext): Decision {
  const principals = policy.permissions[permission];
  if (principals.some((p) => matches(policy, p, ctx))) return { allowed: true };
  const action = actionText(permission, ctx.incident ?? 'this incident');
  if (principals.length === 0) {
    return { allowed: false, reason: `Nobody may ${action}: add people to permissions.${permission} in the policy file to allow it.` };
  }
  const who = joinOr(principals.map(principalText));
  return { allowed: false, reason: `Only ${who} may ${action}.` };
}
