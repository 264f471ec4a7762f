import type { IncidentDeclaration } from '../../domain/incident.js';

export interface DeclareIncidentInput extends IncidentDeclaration {
  /** The same key always yields the same incident: a Slack view ID, a GitHub issue, a CLI token. */
  idempotencyKey: string;
  /**
   * The GitHub issue (`owner/repo#N`) the declaration came from: linked to the incident before the
   * declaration answers, so the next comment on the issue already finds its incident.
   */
  linkIssue?: string;
}

export interface DeclareIncidentResult {
  key: string;
  workflowId: string;
  /** False when the idempotency key had already declared this incident. */
  created: boolean;
}
