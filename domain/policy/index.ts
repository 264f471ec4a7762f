export { parsePolicy } from './parse.js';
export { PolicyError } from './errors.js';
export { findPersonByActor, findPersonByHandle, severityPolicy, teamsOf, type PersonInTeam } from './lookup.js';
export { DEFAULT_PERMISSIONS, PERMISSIONS, isAllowed, type Decision, type Permission, type PermissionContext } from './permissions.js';
export { MASK_STRATEGIES, type MaskRule, type MaskStrategy } from './masking.js';
export type { Principal } from './values.js';
export type {
  AccessPolicy,
  AlertsPolicy,
  CapabilityPolicy,
  IncidentsPolicy,
  PermissionsPolicy,
  Person,
  Policy,
  PostmortemsPolicy,
  RedactionPattern,
  RetentionPolicy,
  SandboxesPolicy,
  ServiceFlags,
  ServicePolicy,
  SeverityPolicy,
  TeamPolicy,
} from './schema.js';
