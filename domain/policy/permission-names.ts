// The permissions the policy's `permissions` section may name, and who holds each by default. Apart
// from permissions.ts (which answers "may this actor…") so the schema can validate names without
// importing the checks that read a parsed policy.

import type { Principal } from './values.js';

export const PERMISSIONS = [
  'resolve',
  'reopen',
  'declare',
  'severity',
  'assignRole',
  'approveAccess',
  'rollbackFlag',
  'emergencyBypass',
  'dashboard',
  'approvePostmortem',
  'manageSandboxes',
  'publicUpdate',
  'page',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// "anyone" is anyone in a team of the policy: people it does not know are guests, and only the
// policy's `guests` section says what they may do. Any member can start, steer and reopen an
// incident: at 3 a.m. there may be nobody else. Ending it, rolling back flags and bypassing
// approvals belong to the commander, and the bypass is off until a policy names who may use it.
export const DEFAULT_PERMISSIONS: Readonly<Record<Permission, readonly Principal[]>> = {
  resolve: ['role:commander'],
  reopen: ['anyone'],
  declare: ['anyone'],
  severity: ['anyone'],
  assignRole: ['anyone'],
  approveAccess: ['anyone'],
  rollbackFlag: ['role:commander'],
  emergencyBypass: [],
  dashboard: ['anyone'],
  // Whoever approves, it is never the postmortem's owner (checked by the postmortem workflow).
  approvePostmortem: ['anyone'],
  // Besides a sandbox's requester and the incident commander, who may extend or destroy it.
  manageSandboxes: [],
  // What customers read is said by the people whose job it is: comms, or the commander without one.
  publicUpdate: ['role:comms', 'role:commander'],
  // Waking someone up is every responder's call; guests are refused unless a team takes them in.
  page: ['anyone'],
};
