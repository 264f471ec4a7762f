// The one way an activity makes a side effect happen once across retries: Temporal retries an
// activity as a whole, so every outbound step that already got through (a Slack message, a GitHub
// comment, a notice to one notifier of several) is remembered in processed_requests under a key the
// caller derives from the workflow's own IDs, and skipped on the next attempt.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { processedRequests } from '../../db/schema/index.js';

export type StepResult = Record<string, unknown>;

export interface OnceStep {
  /** Unique per side effect, built from workflow IDs (never from the clock or randomness). */
  key: string;
  /** What kind of step this is, for people reading the table. */
  kind: string;
}

/**
 * Runs `work` unless `step.key` is recorded as done, then records it with what `work` returned.
 * On a repeat it returns the recorded result without running `work`. A crash between `work` and
 * the record runs `work` again on the retry, so `work` must be safe to repeat or a duplicate must
 * be acceptable (a second identical comment, never someone else's).
 */
export async function once<T extends StepResult | void>(db: Database, step: OnceStep, work: () => Promise<T>): Promise<T | StepResult> {
  const [done] = await db.select({ result: processedRequests.result }).from(processedRequests).where(eq(processedRequests.key, step.key));
  if (done) return done.result;
  const result = await work();
  await db
    .insert(processedRequests)
    .values({ key: step.key, kind: step.kind, result: result ?? {} })
    .onConflictDoNothing();
  return result ?? {};
}
