// What workflow code reads from a parsed policy: people, severities and permissions, without the
// parser. Workflows import this rather than index.ts, whose parser brings yaml and zod: every module
// a workflow imports is evaluated again for each workflow a worker holds in memory (the SDK's
// per-workflow module cache), so those two libraries and the schemas built from them cost CPU at
// every workflow start and megabytes per cached workflow.

export { findPersonByActor, findPersonByHandle, severityPolicy, teamsOf, type PersonInTeam } from './lookup.js';
export { DEFAULT_PERMISSIONS, PERMISSIONS, isAllowed, type Decision, type Permission, type PermissionContext } from './permissions.js';
export type { Principal } from './values.js';
export type { CapabilityPolicy, Person, Policy, SeverityPolicy } from './schema.js';
