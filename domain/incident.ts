// Vocabulary of an incident, shared by workflows, activities and every front-end.

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PHASES = ['declared', 'triage', 'mitigating', 'monitoring', 'resolved', 'postmortem', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/** The built-in roles; the policy's `roles:` section adds its own (domain/policy/roles.ts). */
export const ROLES = ['commander', 'comms', 'scribe'] as const;
export type BuiltInRole = (typeof ROLES)[number];
/** A built-in role or one the policy defines, checked against the policy where it is assigned. */
export type Role = string;

export const INCIDENT_SOURCES = ['slack', 'github', 'cli', 'alerts'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/**
 * A person as a front-end knows them. `id` is stable for the source (Slack user ID, GitHub login,
 * the CLI's $USER); `name` is what people read.
 */
export interface Actor {
  source: IncidentSource | 'system';
  id: string;
  name?: string;
}

/** What a declaration says about an incident, wherever it came from. */
export interface IncidentDeclaration {
  title: string;
  description?: string;
  severity: Severity;
  services: string[];
  source: IncidentSource;
  /** Where it was declared: a Slack channel, `owner/repo#N`, … */
  sourceRef?: string;
  reporter: Actor;
  /** Declared private (`declare private …`, the form's checkbox, a `private` label): off every public path. */
  private?: boolean;
}

export const SYSTEM_ACTOR: Actor = { source: 'system', id: 'firebreak' };

export function severityFromNumber(n: number): Severity | undefined {
  return SEVERITIES[n - 1];
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function isBuiltInRole(value: unknown): value is BuiltInRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function describeActor(actor: Actor): string {
  return actor.name ? `${actor.name} (${actor.source}:${actor.id})` : `${actor.source}:${actor.id}`;
}
