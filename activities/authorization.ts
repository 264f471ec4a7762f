import type { Redactor } from '../domain/redact.js';
import type { Database } from '../db/client.js';
import { recordAuditOnly } from '../db/queries/authorization.js';
import type { AuditOnlyInput } from '../workflows/kernel/messages.js';

export function createAuthorizationActivities({ db, redactor }: { db: Database; redactor: Redactor }) {
  return {
    /** Idempotent by key: one audit row, redacted like every stored text about the incident. */
    async recordAuditEntry(input: AuditOnlyInput): Promise<void> {
      const details = redactor.forIncident(input.incident).redactDeep(input.details);
      await recordAuditOnly(db, { ...input, details, at: new Date(input.at) });
    },
  };
}
