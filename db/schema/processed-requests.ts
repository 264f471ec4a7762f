import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Idempotency keys of requests and activity effects already applied, with what they produced. */
export const processedRequests = pgTable('processed_requests', {
  key: text('key').primaryKey(),
  kind: text('kind').notNull(),
  result: jsonb('result').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
