// Retention: applies the policy's windows in batches and writes one audit report per run.
//
// The audit log itself is never touched. It is append-only (a trigger refuses UPDATE/DELETE) and
// every row's hash covers its details, so redacting a row would break `firebreak audit verify`.
// It does not need it: the kinds retention removes (notes, status updates, pinned messages,
// context, sandbox provenance and playbooks) are never written to the audit log, and what the audit
// log does hold (state changes and their reasons) was redacted by the activity before it was
// stored, as all timeline text is. That record of who changed what is exactly what must outlive
// the incident's working data.

import { Context } from '@temporalio/activity';
import { appendAudit } from '../db/audit.js';
import type { Database } from '../db/client.js';
import { deleteProcessedRequests, oldestOpenWork, purgeSandboxDebugData, redactTimelineFreeText, type BatchResult } from '../db/queries/retention.js';
import { SYSTEM_ACTOR } from '../domain/incident.js';
import type { Policy } from '../domain/policy/index.js';
import { retentionMarker, retentionPlan, type RetentionPlan } from '../domain/retention.js';
import type { Logger } from '../platform/logger.js';
import type { PurgeInput, PurgeResult, RetentionReportInput } from '../workflows/retention/messages.js';

/** Where a retried purge picks up: the key it had reached and what it had changed by then. */
interface Progress {
  after: number | string;
  changed: number;
  extra: number;
}

export function createRetentionActivities({ db, policy, logger }: { db: Database; policy: () => Policy; logger: Logger }) {
  async function batch(input: PurgeInput, after: number | string, openWorkSince: string | undefined): Promise<BatchResult<number | string>> {
    const common = { cutoff: input.window.cutoff, asOf: input.asOf, marker: retentionMarker(input.window.windowSeconds), limit: input.batchSize };
    if (input.target === 'timelineFreeText') return redactTimelineFreeText(db, { ...common, after: Number(after) });
    if (input.target === 'sandboxes') return purgeSandboxDebugData(db, { ...common, after: String(after) });
    return deleteProcessedRequests(db, { ...common, after: String(after), openWorkSince });
  }

  return {
    /** The cutoffs of one run, from the policy as it is now. */
    async planRetention(input: { now: string }): Promise<RetentionPlan> {
      const r = policy().retention;
      return retentionPlan(new Date(input.now), {
        timelineFreeText: r.timelineFreeTextSeconds,
        sandboxes: r.sandboxesSeconds,
        processedRequests: r.processedRequestsSeconds,
      });
    },

    /** Long: batch after batch until one comes back short; heartbeats its progress so a retry resumes. */
    async purgeExpired(input: PurgeInput): Promise<PurgeResult> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as Progress | undefined;
      const progress: Progress = resumed ?? { after: input.target === 'timelineFreeText' ? 0 : '', changed: 0, extra: 0 };
      const openWorkSince = input.target === 'processedRequests' ? await oldestOpenWork(db) : undefined;
      for (;;) {
        const result = await batch(input, progress.after, openWorkSince);
        progress.changed += result.changed;
        progress.extra += result.extra ?? 0;
        if (result.last !== undefined) progress.after = result.last;
        ctx.heartbeat(progress);
        if (result.changed < input.batchSize) break;
      }
      logger.info({ target: input.target, cutoff: input.window.cutoff, changed: progress.changed, extra: progress.extra }, 'retention applied');
      return { changed: progress.changed, extra: progress.extra };
    },

    /** One audit row per run: what each window removed and where it cut. */
    async recordRetentionReport(input: RetentionReportInput): Promise<{ seq: number }> {
      const row = await db.transaction((tx) =>
        appendAudit(tx, {
          at: new Date(),
          actor: SYSTEM_ACTOR,
          action: 'retention.apply',
          subject: 'retention',
          details: { asOf: input.asOf, counts: input.counts, windows: input.plan },
          idempotencyKey: input.idempotencyKey,
        }),
      );
      return { seq: row.seq };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
