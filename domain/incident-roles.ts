// Which roles an incident shows (its summary, `status`, the dashboard): the built-in three always,
// then the roles the policy requires at its severity, filled or not, then any other role someone
// holds, in the order they were given.

import { ROLES, type Actor } from './incident.js';

export interface RoleLine {
  role: string;
  holder?: Actor;
  /** The policy requires it at the incident's severity. */
  required: boolean;
}

export function rolesToShow(roles: Readonly<Record<string, Actor | undefined>>, required: readonly string[] = []): RoleLine[] {
  const names = [...new Set([...ROLES, ...required, ...Object.keys(roles).filter((r) => roles[r] !== undefined)])];
  return names.map((role) => ({ role, ...(roles[role] ? { holder: roles[role] } : {}), required: required.includes(role) }));
}

/** The roles beyond commander, comms and scribe, for places that show those three on their own. */
export function extraRoles(roles: Readonly<Record<string, Actor | undefined>>, required: readonly string[] = []): RoleLine[] {
  return rolesToShow(roles, required).filter((line) => !(ROLES as readonly string[]).includes(line.role));
}
