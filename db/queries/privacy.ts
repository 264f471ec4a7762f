// What the dashboard needs to keep private incidents to their members: the membership facts of
// every private incident (few, so membership is judged in code with the policy, by the same rule
// the workflow uses), and the audit row every read of one writes.

import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Actor } from '../../domain/incident.js';
import { appendAudit } from '../audit.js';
import type { Database } from '../client.js';
import { incidents } from '../schema/index.js';

export interface PrivateIncidentFacts {
  key: string;
  private: true;
  reporter: Actor;
  roles: Partial<Record<string, Actor>>;
  members: Actor[];
}

export async function privateIncidentFacts(db: Database): Promise<PrivateIncidentFacts[]> {
  const rows = await db
    .select({ key: incidents.key, reporter: incidents.reporter, roles: incidents.roles, members: incidents.members })
    .from(incidents)
    .where(eq(incidents.private, true))
    .orderBy(asc(incidents.number));
  return rows.map((r) => ({ ...r, private: true as const, roles: r.roles as Partial<Record<string, Actor>> }));
}

/** One audit row per read of a private incident by the dashboard: who, which page, whether it was shown, when. */
export async function auditPrivateRead(db: Database, entry: { incident: string; actor: Actor; via: string; path: string; allowed: boolean; at: Date }): Promise<void> {
  await db.transaction((tx) =>
    appendAudit(tx, {
      at: entry.at,
      actor: entry.actor,
      action: 'dashboard.read_private',
      subject: entry.incident,
      details: { via: entry.via, path: entry.path, allowed: entry.allowed },
      idempotencyKey: `dashboard-read:${entry.incident}:${randomUUID()}`,
    }),
  );
}
