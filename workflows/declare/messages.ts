import type { Actor, IncidentSource, Severity } from '../../domain/incident.js';

export interface DeclareIncidentInput {
  /** The same key always yields the same incident: a Slack view ID, a GitHub issue, a CLI token. */
  idempotencyKey: string;
  title: string;
  description?: string;
  severity: Severity;
  services: string[];
  source: IncidentSource;
  sourceRef?: string;
  reporter: Actor;
}

export interface DeclareIncidentResult {
  key: string;
  workflowId: string;
  /** False when the idempotency key had already declared this incident. */
  created: boolean;
}
