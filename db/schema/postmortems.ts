import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Actor } from '../../domain/incident.js';
import type { ActionItemStatus, ActionPriority, PostmortemMetrics, PostmortemStatus } from '../../domain/postmortem.js';
import { incidents } from './incidents.js';

/**
 * One postmortem per incident (`postmortem:INC-N`). The document is the redacted markdown last
 * drafted; the GitHub copy is the published one. People are stored by their policy name so the
 * dashboard and the digests never need raw Slack or GitHub identities.
 */
export const postmortems = pgTable(
  'postmortems',
  {
    incidentKey: text('incident_key')
      .primaryKey()
      .references(() => incidents.key),
    status: text('status').$type<PostmortemStatus>().notNull(),
    owner: text('owner').notNull(),
    team: text('team'),
    approver: text('approver'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    metrics: jsonb('metrics').$type<PostmortemMetrics>().notNull(),
    document: text('document').notNull(),
    documentUrl: text('document_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('postmortems_status_due_idx').on(t.status, t.dueAt), index('postmortems_team_idx').on(t.team)],
);

/** Action numbers come from their own sequence so `ACT-N` is short and never reused. */
export const actionItemNumberSeq = pgSequence('action_item_number_seq', { startWith: 1 });

/**
 * One postmortem action item. Its GitHub issue is the place the work happens; closing or reopening
 * that issue updates `status` here through the postmortem workflow.
 */
export const actionItems = pgTable(
  'action_items',
  {
    key: text('key').primaryKey(),
    number: integer('number').notNull().unique(),
    incidentKey: text('incident_key')
      .notNull()
      .references(() => incidents.key),
    text: text('text').notNull(),
    owner: text('owner').notNull(),
    team: text('team'),
    service: text('service'),
    priority: text('priority').$type<ActionPriority>().notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    status: text('status').$type<ActionItemStatus>().notNull(),
    issueRef: text('issue_ref'),
    issueUrl: text('issue_url'),
    createdBy: jsonb('created_by').$type<Actor>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('action_items_status_due_idx').on(t.status, t.dueDate),
    index('action_items_team_status_due_idx').on(t.team, t.status, t.dueDate),
    index('action_items_owner_status_due_idx').on(t.owner, t.status, t.dueDate),
    index('action_items_service_status_due_idx').on(t.service, t.status, t.dueDate),
    index('action_items_incident_idx').on(t.incidentKey),
    index('action_items_issue_ref_idx').on(t.issueRef).where(sql`${t.issueRef} is not null`),
    index('action_items_created_at_idx').on(t.createdAt),
    index('action_items_done_at_idx').on(t.doneAt),
  ],
);

export type PostmortemRow = typeof postmortems.$inferSelect;
export type ActionItemRow = typeof actionItems.$inferSelect;
