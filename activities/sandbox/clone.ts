// Building a sandbox: read the source's schema, check every column has a safe rule (before the
// sandbox server is touched), choose the rows, then fill the sandbox database, all from one
// REPEATABLE READ snapshot of the source. Returns what the provenance record needs.

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJson } from '../../domain/sandbox/canonical.js';
import { columnContentCheck, joinable, SensitiveContentError } from '../../domain/sandbox/content-check.js';
import { TEXT_TYPES, sensitiveByName } from '../../domain/sandbox/detect.js';
import { describeRule, maskingPathOf, planMasking, policyEntry, type MaskingPlan } from '../../domain/sandbox/plan.js';
import { quoteIdent, tableIdent, type SandboxRules, type SchemaInfo } from '../../domain/sandbox/types.js';
import { createRedactor, type RedactionPattern, type Redactor } from '../../domain/redact.js';
import { contentHash, fillSandbox, type FillContext } from './fill.js';
import { introspectSchema } from './introspect.js';
import { createMasker, deriveMaskingKey } from './masker.js';
import { prepareKeyTables, selectRows } from './subset.js';
import { destroySandboxDatabase, ensureDatabase, sandboxName, urlFor, withClient } from './target.js';
import type { CloneResult } from '../../workflows/sandbox/messages.js';

export interface CloneRequest {
  sandboxId: string;
  sourceUrl: string;
  sandboxAdminUrl: string;
  seed: number;
  /** Server-side masking secret: with the seed it keys every mask. */
  secret: string | Uint8Array;
  rules: SandboxRules;
  /** The policy's name for the source, so refusals name the key to fix. */
  source?: string;
  /** Judges content (the sample, and every value copied unmasked). */
  redactor: Redactor;
  /**
   * The policy's redaction patterns. Given, content is judged by a redactor built here from them
   * (the built-in detectors plus these), which may judge values in batches (see joinable).
   */
  redactionPatterns?: readonly RedactionPattern[];
  signal?: AbortSignal;
  onProgress?: (progress: { table: string; rows: number; tablesDone: number; tables: number }) => void;
}

const SAMPLE_ROWS = 200;

// Fixed output formats: the same values print the same way whatever the server's defaults, so the
// content hash depends on the data alone. No timeouts: a large table's COPY runs for a while.
// work_mem lets the primary-key ORDER BY sort in memory instead of spilling to disk.
const SESSION = [
  `SET work_mem = '64MB'`,
  `SET DateStyle = 'ISO, YMD'`,
  `SET IntervalStyle = 'postgres'`,
  `SET TimeZone = 'UTC'`,
  'SET extra_float_digits = 1',
  `SET bytea_output = 'hex'`,
  'SET statement_timeout = 0',
  'SET idle_in_transaction_session_timeout = 0',
];

const BEGIN_SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A few values of each unruled text column, for the early content verdict (the copy checks every value). */
async function sampleText(source: pg.ClientBase, schema: SchemaInfo, rules: SandboxRules): Promise<Record<string, Record<string, string[]>>> {
  const samples: Record<string, Record<string, string[]>> = {};
  for (const t of schema.tables) {
    const ruled = policyEntry(rules.masking, t) ?? {};
    const columns = t.columns.filter((c) => TEXT_TYPES.has(c.baseType) && ruled[c.name] === undefined && !sensitiveByName(c));
    if (columns.length === 0) continue;
    const { rows } = await source.query<Record<string, string | null>>(
      `SELECT ${columns.map((c, i) => `${quoteIdent(c.name)}::text AS c${i}`).join(', ')} FROM ${tableIdent(t)} LIMIT ${SAMPLE_ROWS}`,
    );
    samples[t.qualified] = Object.fromEntries(columns.map((c, i) => [c.name, rows.map((r) => r[`c${i}`]).filter((v): v is string => typeof v === 'string')]));
  }
  return samples;
}

function appliedRules(plan: MaskingPlan): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [table, columns] of Object.entries(plan)) {
    const masked = Object.entries(columns).filter(([, c]) => c.rule !== 'keep' || c.why === 'policy');
    if (masked.length > 0) out[table] = Object.fromEntries(masked.map(([name, c]) => [name, c.why === 'policy' ? describeRule(c.rule) : `${describeRule(c.rule)} (${c.why})`]));
  }
  return out;
}

/**
 * First statement of the snapshot transaction: the snapshot's ID for other sessions. Where the
 * server refuses, the transaction (which has read nothing yet) starts again, for one lane.
 */
async function exportSnapshot(source: pg.ClientBase): Promise<string | undefined> {
  try {
    const { rows } = await source.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    return rows[0]!.id;
  } catch {
    await source.query('ROLLBACK');
    await source.query(BEGIN_SNAPSHOT);
    return undefined;
  }
}

type Lane = { source: pg.ClientBase; target: pg.ClientBase };

/**
 * A second (source, target) pair for copying two tables at once: a source session that adopts the
 * exported snapshot, so it reads exactly what the first one reads, with the same output settings.
 * Masking is CPU-bound while the servers sort, parse and write, so two tables in flight overlap
 * the one with the other. Without a snapshot, or if the second pair cannot be opened, one lane.
 */
async function withLane<T>(sourceUrl: string, targetUrl: string, snapshot: string | undefined, work: (lane: Lane | undefined) => Promise<T>): Promise<T> {
  if (snapshot === undefined) return work(undefined);
  let opened = false;
  try {
    return await withClient(sourceUrl, async (source) => {
      for (const sql of SESSION) await source.query(sql);
      await source.query(BEGIN_SNAPSHOT);
      await source.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
      return withClient(targetUrl, async (target) => {
        for (const sql of SESSION) await target.query(sql);
        opened = true;
        const result = await work({ source, target });
        await source.query('COMMIT');
        return result;
      });
    });
  } catch (error) {
    if (opened) throw error;
    return work(undefined);
  }
}

export async function cloneSandbox(req: CloneRequest): Promise<CloneResult> {
  const database = sandboxName(req.sandboxId);
  const detector = req.redactionPatterns
    ? { redactor: createRedactor({ extraPatterns: req.redactionPatterns }), joined: joinable(req.redactionPatterns) }
    : { redactor: req.redactor, joined: false };
  return withClient(req.sourceUrl, async (source) => {
    for (const sql of SESSION) await source.query(sql);
    const schema = await introspectSchema(source);
    const keys = await prepareKeyTables(source, schema, req.rules);
    await source.query(BEGIN_SNAPSHOT);
    try {
      // Subsets live in this session's temporary tables, which other sessions cannot read: those
      // clones copy on this connection alone.
      const snapshot = keys.size === 0 ? await exportSnapshot(source) : undefined;
      const { rows } = await source.query<{ at: Date; db: string; server: string }>(
        `SELECT now() AS at, current_database() AS db, coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local') AS server`,
      );
      const maskingPath = maskingPathOf(req.source);
      const plan = planMasking({ schema, rules: req.rules, maskingPath, samples: await sampleText(source, schema, req.rules), redactor: detector.redactor });
      const selection = await selectRows(source, schema, req.rules, keys);
      await ensureDatabase(req.sandboxAdminUrl, database);
      const schemaHash = sha256(canonicalJson(schema));
      const masker = createMasker(deriveMaskingKey(req.secret, req.seed));
      const contentCheck: FillContext['contentCheck'] = (t, c, p) => columnContentCheck(t, c, p, { ...detector, maskingPath });
      const targetUrl = urlFor(req.sandboxAdminUrl, database);
      const filled = await withClient(targetUrl, async (target) => {
        for (const sql of SESSION) await target.query(sql);
        return withLane(req.sourceUrl, targetUrl, snapshot, (lane) =>
          fillSandbox({ source, target, lanes: lane ? [lane] : [], schema, schemaHash, plan, masker, contentCheck, selection, signal: req.signal, onProgress: req.onProgress }),
        );
      });
      await source.query('COMMIT');
      return {
        database,
        source: { database: rows[0]!.db, server: rows[0]!.server },
        snapshotAt: rows[0]!.at.toISOString(),
        schemaHash,
        policyHash: sha256(canonicalJson(req.rules)),
        seed: req.seed,
        rowCounts: Object.fromEntries([...filled.copies].map(([t, c]) => [t, c.rows])),
        rules: appliedRules(plan),
        contentHash: contentHash(schema, filled.copies),
        resumed: filled.resumed,
      };
    } catch (error) {
      await source.query('ROLLBACK').catch(() => undefined);
      // Sensitive values were found mid-copy: what was written may already hold some, so the whole
      // sandbox (database and any role) goes now, not at some later teardown.
      if (error instanceof SensitiveContentError) await destroySandboxDatabase(req.sandboxAdminUrl, req.sandboxId);
      throw error;
    }
  });
}
