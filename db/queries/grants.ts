import { asc, eq } from 'drizzle-orm';
import type { GrantChanges, StoredGrantEvent } from '../../domain/child-events.js';
import { applyChildEvent } from './child-events.js';
import { allocateNumberedKey } from './numbers.js';
import type { Database } from '../client.js';
import { accessGrants, type AccessGrantRow } from '../schema/index.js';

/** Gives a request its `GR-N` exactly once per request key. */
export async function allocateGrantNumber(db: Database, requestKey: string): Promise<{ grant: string; created: boolean }> {
  const { key, created } = await allocateNumberedKey(db, { kind: 'grant', sequence: 'grant_number_seq', prefix: 'GR' }, requestKey);
  return { grant: key, created };
}

/**
 * One transition of a grant: its row, a timeline row on the incident and an audit entry, committed
 * together exactly once per idempotency key. Returns false for a retry of an applied event.
 */
export async function applyGrantEvent(db: Database, event: StoredGrantEvent): Promise<boolean> {
  const child = { ...event, subject: event.grant, subjectField: 'grant', auditChanges: { ...event.changes } };
  return applyChildEvent(db, child, async (tx, at) => {
    const set = toColumns(event.changes);
    if (event.created) {
      await tx.insert(accessGrants).values({
        key: event.grant,
        number: Number(event.grant.slice('GR-'.length)),
        incidentKey: event.incident,
        ...event.created,
        status: event.changes.status ?? 'pending',
        requestedAt: at,
        ...set,
        updatedAt: at,
      });
      return;
    }
    const updated = await tx.update(accessGrants).set({ ...set, updatedAt: at }).where(eq(accessGrants.key, event.grant)).returning({ key: accessGrants.key });
    if (updated.length === 0) throw new Error(`grant ${event.grant} does not exist`);
  });
}

function toColumns(changes: GrantChanges): Partial<typeof accessGrants.$inferInsert> {
  const date = (v: string | undefined) => (v === undefined ? undefined : new Date(v));
  const set: Partial<typeof accessGrants.$inferInsert> = {
    status: changes.status,
    approvals: changes.approvals,
    credentialRefs: changes.credentialRefs,
    activatedAt: date(changes.activatedAt),
    expiresAt: date(changes.expiresAt),
    endedAt: date(changes.endedAt),
    endReason: changes.endReason,
  };
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
}

export async function getGrant(db: Database, key: string): Promise<AccessGrantRow | undefined> {
  const [row] = await db.select().from(accessGrants).where(eq(accessGrants.key, key));
  return row;
}

export async function listIncidentGrants(db: Database, incident: string): Promise<AccessGrantRow[]> {
  return db.select().from(accessGrants).where(eq(accessGrants.incidentKey, incident)).orderBy(asc(accessGrants.number));
}
