import { eq } from 'drizzle-orm';
import type { SandboxChanges, StoredSandboxEvent } from '../../domain/child-events.js';
import { applyChildEvent } from './child-events.js';
import { allocateNumberedKey } from './numbers.js';
import type { Database } from '../client.js';
import { sandboxes, type SandboxRow } from '../schema/index.js';

/** Gives a request its `SBX-N` exactly once per request key. */
export async function allocateSandboxNumber(db: Database, requestKey: string): Promise<{ sandbox: string; created: boolean }> {
  const { key, created } = await allocateNumberedKey(db, { kind: 'sandbox', sequence: 'sandbox_number_seq', prefix: 'SBX' }, requestKey);
  return { sandbox: key, created };
}

function toColumns(c: SandboxChanges): Partial<typeof sandboxes.$inferInsert> {
  const date = (v: string | undefined) => (v === undefined ? undefined : new Date(v));
  const set: Partial<typeof sandboxes.$inferInsert> = {
    status: c.status,
    provenance: c.provenance,
    contentHash: c.provenance?.contentHash,
    readyAt: date(c.readyAt),
    expiresAt: date(c.expiresAt),
    endedAt: date(c.endedAt),
    endReason: c.endReason,
  };
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
}

/**
 * One transition of a sandbox: its row, a timeline row on the incident and an audit entry, committed
 * together exactly once per idempotency key. Returns false for a retry of an applied event.
 */
export async function applySandboxEvent(db: Database, event: StoredSandboxEvent): Promise<boolean> {
  // The provenance record is on the sandbox row; the audit keeps the rest of the change.
  const { provenance: _p, ...auditChanges } = event.changes;
  const child = { ...event, subject: event.sandbox, subjectField: 'sandbox', auditChanges };
  return applyChildEvent(db, child, async (tx, at) => {
    const set = toColumns(event.changes);
    if (event.created) {
      const number = Number(event.sandbox.slice('SBX-'.length));
      await tx.insert(sandboxes).values({ key: event.sandbox, number, incidentKey: event.incident, ...event.created, status: event.changes.status ?? 'provisioning', requestedAt: at, ...set, updatedAt: at });
      return;
    }
    const updated = await tx.update(sandboxes).set({ ...set, updatedAt: at }).where(eq(sandboxes.key, event.sandbox)).returning({ key: sandboxes.key });
    if (updated.length === 0) throw new Error(`sandbox ${event.sandbox} does not exist`);
  });
}

export async function getSandbox(db: Database, key: string): Promise<SandboxRow | undefined> {
  const [row] = await db.select().from(sandboxes).where(eq(sandboxes.key, key));
  return row;
}
