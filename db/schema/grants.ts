import { index, integer, jsonb, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';
import { incidents } from './incidents.js';

/** Grant numbers come from their own sequence so `GR-N` is short and never reused. */
export const grantNumberSeq = pgSequence('grant_number_seq', { startWith: 1 });

export interface GrantApproval {
  actor: Actor;
  at: string;
}

/** What a provider created for a grant, by reference only: a role name, a token ID, a team. */
export interface GrantCredentialRef {
  provider: string;
  ref: string;
}

/**
 * One just-in-time access grant. The row mirrors the grant workflow's state after each transition;
 * introspection reads `status` and `expires_at` so a revocation is honoured the moment it commits.
 * Secrets are never stored here, only references to what the providers created.
 */
export const accessGrants = pgTable(
  'access_grants',
  {
    key: text('key').primaryKey(),
    number: integer('number').notNull().unique(),
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    requester: jsonb('requester').$type<Actor>().notNull(),
    capabilities: text('capabilities').array().notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    /** Redacted: shown in Slack, GitHub and the audit log. */
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    approvals: jsonb('approvals').$type<GrantApproval[]>().notNull().default([]),
    credentialRefs: jsonb('credential_refs').$type<GrantCredentialRef[]>().notNull().default([]),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('access_grants_incident_idx').on(t.incidentKey), index('access_grants_status_idx').on(t.status)],
);

export type AccessGrantRow = typeof accessGrants.$inferSelect;
