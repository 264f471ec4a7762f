// Business keys and the workflow IDs built from them (DESIGN.md §3). Never random in production.

const INCIDENT_KEY = /^INC-([1-9][0-9]{0,8})$/;
const GRANT_KEY = /^GR-([1-9][0-9]{0,8})$/;
const SANDBOX_KEY = /^SBX-([1-9][0-9]{0,8})$/;
const ACTION_KEY = /^ACT-([1-9][0-9]{0,8})$/;

export function incidentKey(n: number): string {
  return `INC-${n}`;
}

/** Accepts `INC-12` in any letter case; returns the canonical key or undefined. */
export function parseIncidentKey(text: string): string | undefined {
  const m = INCIDENT_KEY.exec(text.trim().toUpperCase());
  return m ? `INC-${m[1]}` : undefined;
}

export function parseGrantKey(text: string): string | undefined {
  const m = GRANT_KEY.exec(text.trim().toUpperCase());
  return m ? `GR-${m[1]}` : undefined;
}

export function parseSandboxKey(text: string): string | undefined {
  const m = SANDBOX_KEY.exec(text.trim().toUpperCase());
  return m ? `SBX-${m[1]}` : undefined;
}

export function parseActionKey(text: string): string | undefined {
  const m = ACTION_KEY.exec(text.trim().toUpperCase());
  return m ? `ACT-${m[1]}` : undefined;
}

export const incidentWorkflowId = (key: string): string => `incident:${key}`;
export const grantWorkflowId = (key: string): string => `grant:${key}`;
export const sandboxWorkflowId = (key: string): string => `sandbox:${key}`;
export const postmortemWorkflowId = (incident: string): string => `postmortem:${incident}`;
/** The short-lived workflow that allocates an incident number exactly once per idempotency key. */
export const declarationWorkflowId = (idempotencyKey: string): string => `declare:${idempotencyKey}`;
