import type { Actor } from '../domain/incident.js';
import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import { recordAuditOnly } from '../db/queries/authorization.js';

export interface AuditOnlyInput {
  /** What was acted on: `INC-3`, `GR-7`, `SBX-2`, `postmortem:INC-3`. */
  subject: string;
  /** Whose redaction tokens the details get. */
  incident: string;
  actor: Actor;
  /** `authz.refused.<action>` for refusals, or the change's own name (`incident.unpin`). */
  action: string;
  details: Record<string, unknown>;
  at: string;
  idempotencyKey: string;
}

export function createAuthorizationActivities({ db, redactor }: { db: Database; redactor: Redactor }) {
  return {
    /** Idempotent by key: one audit row, redacted like every stored text about the incident. */
    async recordAuditEntry(input: AuditOnlyInput): Promise<void> {
      const details = redactor.forIncident(input.incident).redactDeep(input.details);
      await recordAuditOnly(db, { ...input, details, at: new Date(input.at) });
    },
  };
}
