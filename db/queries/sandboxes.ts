import { eq } from 'drizzle-orm';
import type { Actor } from '../../domain/incident.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';
import { appendAudit } from '../audit.js';
import { allocateNumberedKey } from './numbers.js';
import type { Database } from '../client.js';
import { processedRequests, sandboxes, timelineEvents, type SandboxRow } from '../schema/index.js';

/** Gives a request its `SBX-N` exactly once per request key. */
export async function allocateSandboxNumber(db: Database, requestKey: string): Promise<{ sandbox: string; created: boolean }> {
  const { key, created } = await allocateNumberedKey(db, { kind: 'sandbox', sequence: 'sandbox_number_seq', prefix: 'SBX' }, requestKey);
  return { sandbox: key, created };
}

export interface SandboxChanges {
  status?: string;
  provenance?: SandboxProvenance;
  readyAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: string;
}

export interface NewSandbox {
  requester: Actor;
  source: string;
  seed: number;
  releaseRef?: string;
  recreatedFrom?: string;
  ttlSeconds: number;
}

export interface StoredSandboxEvent {
  sandbox: string;
  incident: string;
  /** `SBX-N:<seq>`: the same on every activity retry and workflow replay. */
  idempotencyKey: string;
  at: string;
  actor: Actor;
  /** `sandbox.request`, `sandbox.ready`, `sandbox.destroy`, … */
  action: string;
  text: string;
  details: Record<string, unknown>;
  created?: NewSandbox;
  changes: SandboxChanges;
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
  return db.transaction(async (tx) => {
    const claimed = await tx.insert(processedRequests).values({ key: `event:${event.idempotencyKey}`, kind: event.action }).onConflictDoNothing().returning({ key: processedRequests.key });
    if (claimed.length === 0) return false;
    const at = new Date(event.at);
    const set = toColumns(event.changes);
    if (event.created) {
      const number = Number(event.sandbox.slice('SBX-'.length));
      await tx.insert(sandboxes).values({ key: event.sandbox, number, incidentKey: event.incident, ...event.created, status: event.changes.status ?? 'provisioning', requestedAt: at, ...set, updatedAt: at });
    } else {
      const updated = await tx.update(sandboxes).set({ ...set, updatedAt: at }).where(eq(sandboxes.key, event.sandbox)).returning({ key: sandboxes.key });
      if (updated.length === 0) throw new Error(`sandbox ${event.sandbox} does not exist`);
    }
    const details = { sandbox: event.sandbox, action: event.action, ...event.details };
    await tx.insert(timelineEvents).values({ incidentKey: event.incident, occurredAt: at, kind: 'child', actor: event.actor, text: event.text, details, idempotencyKey: event.idempotencyKey });
    const { provenance: _p, ...auditChanges } = event.changes;
    await appendAudit(tx, { at, actor: event.actor, action: event.action, subject: event.sandbox, details: { incident: event.incident, text: event.text, ...event.details, ...auditChanges }, idempotencyKey: event.idempotencyKey });
    return true;
  });
}

export async function getSandbox(db: Database, key: string): Promise<SandboxRow | undefined> {
  const [row] = await db.select().from(sandboxes).where(eq(sandboxes.key, key));
  return row;
}
