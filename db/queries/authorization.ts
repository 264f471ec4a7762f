import { appendAudit, type AuditEntry } from '../audit.js';
import type { Database } from '../client.js';

/**
 * An audit row with no state change of its own: a refused privileged decision, or a pinned
 * message taken off the timeline (whose text must not come back in a timeline row saying so).
 */
export async function recordAuditOnly(db: Database, entry: AuditEntry): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, entry));
}
