// Payloads every workflow hands to the activities the kernel calls, and so writes into its history.

import type { Actor } from '../../domain/incident.js';

/** An audit row that changes nothing else (a refusal, a pin taken off the timeline). */
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
