// Alert intake's vocabulary and decisions, shared by the intake routes, the alert-group workflow
// and the policy schema.
export * from './types.js';
export * from './routing.js';
export * from './group.js';
export * from './ids.js';
export * from './windows.js';
export * from './triage.js';
