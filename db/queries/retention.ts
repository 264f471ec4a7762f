// The batches retention runs. Each is one statement (so one short transaction) over at most `limit`
// rows, walking the table's key upwards from `after`: a run reads every row once however many
// batches it takes, and a retried run finds nothing left to change (every predicate excludes rows
// already done).

import { sql } from 'drizzle-orm';
import { FREE_TEXT_KINDS, KEPT_FREE_TEXT_DETAILS } from '../../domain/retention.js';
import type { Database } from '../client.js';

export interface BatchInput<K> {
  cutoff: string;
  /** The run's time, recorded on what it changed. */
  asOf: string;
  marker: string;
  after: K;
  limit: number;
}

export interface BatchResult<K> {
  changed: number;
  /** The last key looked at; undefined once the table has nothing more to change. */
  last?: K;
  extra?: number;
}

/**
 * Free text of closed incidents, older than the cutoff, becomes the marker. The row stays (counts,
 * times and kinds still add up on the dashboard); details keep only what describes the row.
 */
export async function redactTimelineFreeText(db: Database, i: BatchInput<number>): Promise<BatchResult<number>> {
  const kinds = sql.join(FREE_TEXT_KINDS.map((k) => sql`${k}`), sql`, `);
  const kept = sql.join(KEPT_FREE_TEXT_DETAILS.map((k) => sql`${k}::text, t.details -> ${k}::text`), sql`, `);
  const { rows } = await db.execute<{ changed: number; last: string | null }>(sql`
    WITH batch AS (
      SELECT t.id FROM timeline_events t JOIN incidents i ON i.key = t.incident_key
      WHERE t.id > ${i.after} AND i.phase = 'closed' AND t.kind IN (${kinds})
        AND t.occurred_at < ${i.cutoff}::timestamptz AND NOT (t.details ? 'retentionRemovedAt')
      ORDER BY t.id LIMIT ${i.limit}
    ), done AS (
      UPDATE timeline_events t
      SET text = ${i.marker}, details = jsonb_strip_nulls(jsonb_build_object(${kept}, 'retentionRemovedAt', ${i.asOf}::text))
      FROM batch WHERE t.id = batch.id
      RETURNING t.id
    )
    SELECT count(*)::int AS changed, max(id)::text AS last FROM done`);
  const row = rows[0]!;
  return { changed: row.changed, ...(row.last === null ? {} : { last: Number(row.last) }) };
}

/**
 * Ended sandboxes lose what could hold data values: flag states in the provenance record, the end
 * reason (a failed copy's error can quote a row) and the playbook's markdown (hypothesis, timeline
 * excerpts, flag states). Source, snapshot time, seed, hashes, row counts and masking rules stay:
 * they say what was copied and how, never what the data was.
 */
export async function purgeSandboxDebugData(db: Database, i: BatchInput<string>): Promise<BatchResult<string>> {
  const { rows } = await db.execute<{ changed: number; playbooks: number; last: string | null }>(sql`
    WITH batch AS (
      SELECT key, incident_key FROM sandboxes
      WHERE key > ${i.after} AND ended_at < ${i.cutoff}::timestamptz
        AND ((provenance IS NOT NULL AND NOT (provenance ? 'retentionPurgedAt')) OR (end_reason IS NOT NULL AND end_reason NOT LIKE '[removed after % retention]'))
      ORDER BY key LIMIT ${i.limit}
    ), done AS (
      UPDATE sandboxes s
      SET provenance = CASE WHEN s.provenance IS NULL THEN NULL ELSE (s.provenance - 'flags') || jsonb_build_object('retentionPurgedAt', ${i.asOf}::text) END,
          end_reason = CASE WHEN s.end_reason IS NULL THEN NULL ELSE ${i.marker} END
      FROM batch WHERE s.key = batch.key
      RETURNING s.key
    ), playbooks AS (
      UPDATE timeline_events t
      SET details = t.details || jsonb_build_object('markdown', ${i.marker}::text, 'retentionRemovedAt', ${i.asOf}::text)
      FROM batch WHERE t.incident_key = batch.incident_key AND t.kind = 'child'
        AND t.details ->> 'action' = 'sandbox.playbook' AND t.details ->> 'sandbox' = batch.key
        AND NOT (t.details ? 'retentionRemovedAt')
      RETURNING t.id
    )
    SELECT (SELECT count(*)::int FROM done) AS changed, (SELECT count(*)::int FROM playbooks) AS playbooks, (SELECT max(key) FROM done) AS last`);
  const row = rows[0]!;
  return { changed: row.changed, extra: row.playbooks, ...(row.last === null ? {} : { last: row.last }) };
}

/**
 * Which idempotency rows may go. A row is only worth keeping while something could repeat the
 * request or effect it guards:
 * - `github.delivery`, `slack.event`: a sender's redelivery. GitHub keeps a delivery for three days
 *   (our redelivery workflow looks back hours), Slack retries within minutes; past the window
 *   nothing can arrive again, so these go on age alone.
 * - `declare`: maps a declaration request (a Slack submission, a labelled issue) to its incident.
 *   One row per incident, and deleting it would let a very late duplicate declare a second
 *   incident, so it is kept.
 * - everything else is activity-effect memory (`event:INC-4:7`, `notify.*`, `slack.step`, GitHub
 *   comments, access message timestamps, action-item issues, …): a retried activity or a later
 *   step of the same workflow reads it. All of that work belongs to an incident that is not closed
 *   yet or to a postmortem still tracking action items, and was written after that incident was
 *   declared. Rows older than the oldest such incident's declaration cannot belong to running
 *   work, so they go once past the window too; newer ones wait.
 */
export const DELIVERY_KINDS = ['github.delivery', 'slack.event'] as const;
export const KEPT_KINDS = ['declare'] as const;

/** When the oldest open work started (an incident not closed, or a postmortem not closed); undefined when none. */
export async function oldestOpenWork(db: Database): Promise<string | undefined> {
  const { rows } = await db.execute<{ at: string | null }>(sql`
    SELECT min(i.declared_at) AS at FROM incidents i
    WHERE i.phase <> 'closed' OR EXISTS (SELECT 1 FROM postmortems p WHERE p.incident_key = i.key AND p.closed_at IS NULL)`);
  const at = rows[0]?.at;
  return at ? new Date(at).toISOString() : undefined;
}

export async function deleteProcessedRequests(db: Database, i: Omit<BatchInput<string>, 'marker' | 'asOf'> & { openWorkSince?: string }): Promise<BatchResult<string>> {
  const delivery = sql.join(DELIVERY_KINDS.map((k) => sql`${k}`), sql`, `);
  const kept = sql.join(KEPT_KINDS.map((k) => sql`${k}`), sql`, `);
  const effects = i.openWorkSince ? sql`p.created_at < ${i.openWorkSince}::timestamptz` : sql`true`;
  const { rows } = await db.execute<{ changed: number; last: string | null }>(sql`
    WITH batch AS (
      SELECT p.key FROM processed_requests p
      WHERE p.key > ${i.after} AND p.created_at < ${i.cutoff}::timestamptz AND p.kind NOT IN (${kept})
        AND (p.kind IN (${delivery}) OR ${effects})
      ORDER BY p.key LIMIT ${i.limit}
    ), done AS (
      DELETE FROM processed_requests p USING batch WHERE p.key = batch.key RETURNING p.key
    )
    SELECT count(*)::int AS changed, max(key) AS last FROM done`);
  const row = rows[0]!;
  return { changed: row.changed, ...(row.last === null ? {} : { last: row.last }) };
}
