// Filling one sandbox database, resumable table by table. Each table is truncated, copied, given
// its keys and indexes and marked done in one target transaction, so a crash leaves every table
// either complete, keyed and marked, or rolled back to empty and bare: a retry skips the first kind
// and copies the second again.

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { copiedColumns, finalStatements, preDataStatements, tableKeyStatements } from '../../domain/sandbox/ddl.js';
import type { ColumnCheck } from '../../domain/sandbox/content-check.js';
import type { ColumnPlan, MaskingPlan } from '../../domain/sandbox/plan.js';
import { quoteIdent, tableIdent, type ColumnInfo, type SchemaInfo, type TableInfo } from '../../domain/sandbox/types.js';
import { copyTable } from './copy.js';
import type { Masker } from './masker.js';
import type { Selection } from './subset.js';
import { META_SCHEMA, ensureMeta, readState, writeState } from './target.js';

export interface FillContext {
  source: pg.ClientBase;
  target: pg.ClientBase;
  schema: SchemaInfo;
  schemaHash: string;
  plan: MaskingPlan;
  masker: Masker;
  /** The content check of a column copied as it is (undefined: none); see domain/sandbox/content-check.ts. */
  contentCheck?: (table: TableInfo, column: ColumnInfo, plan: ColumnPlan) => ColumnCheck | undefined;
  selection: Selection;
  /**
   * More (source, target) connection pairs to copy tables on at the same time. Each source must
   * read the same snapshot as `source` (an exported snapshot) with the same session settings.
   */
  lanes?: { source: pg.ClientBase; target: pg.ClientBase }[];
  signal?: AbortSignal;
  onProgress?: (progress: { table: string; rows: number; tablesDone: number; tables: number }) => void;
}

export interface TableCopy {
  rows: number;
  hash: string;
}

async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Drops everything a different source schema left behind, keeping the database and `_firebreak`. */
async function resetTarget(target: pg.ClientBase): Promise<void> {
  const { rows } = await target.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', $1) AND nspname NOT LIKE 'pg_%'`,
    [META_SCHEMA],
  );
  for (const { nspname } of rows) await target.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
  await target.query('CREATE SCHEMA public');
  await target.query(`TRUNCATE ${META_SCHEMA}.state, ${META_SCHEMA}.copy_progress`);
}

/** Bare tables, after dropping what was there with `reset`: all or nothing, so a crash leaves either. */
async function createSchema(ctx: FillContext, reset: boolean): Promise<void> {
  await inTransaction(ctx.target, async () => {
    if (reset) await resetTarget(ctx.target);
    for (const sql of preDataStatements(ctx.schema)) await ctx.target.query(sql);
    await writeState(ctx.target, 'schemaHash', ctx.schemaHash);
  });
}

async function ensureSchema(ctx: FillContext): Promise<void> {
  await ensureMeta(ctx.target);
  const recorded = await readState<string>(ctx.target, 'schemaHash');
  if (recorded === ctx.schemaHash) return;
  await createSchema(ctx, recorded !== undefined);
}

function copyStatements(t: TableInfo, selection: Selection): { copyOut: string; copyIn: string } {
  const columns = copiedColumns(t).map((c) => quoteIdent(c.name)).join(', ');
  // Primary-key order makes the table's hash a function of its content; without a key, the row's
  // text (json and other types without ordering still have one).
  const order = t.primaryKey.length > 0 ? t.primaryKey.map(quoteIdent).join(', ') : 'x::text';
  return {
    copyOut: `COPY (SELECT ${columns} FROM ${tableIdent(t)} AS x${selection.where(t)} ORDER BY ${order}) TO STDOUT`,
    // FREEZE: the table was truncated in this transaction, so rows can land frozen and the index
    // builds and foreign-key checks that read them next do not rewrite every page for hint bits.
    copyIn: `COPY ${tableIdent(t)} (${columns}) FROM STDIN WITH (FREEZE)`,
  };
}

async function copyOne(ctx: FillContext, t: TableInfo, tablesDone: number): Promise<TableCopy> {
  const columns = copiedColumns(t);
  const rules = ctx.plan[t.qualified]!;
  const maskers = columns.map((c) => ctx.masker.forColumn(t.qualified, c, rules[c.name]!.rule));
  const checks = columns.map((c, i) => (maskers[i] ? undefined : ctx.contentCheck?.(t, c, rules[c.name]!)));
  const keyNames = t.primaryKey.length > 0 ? t.primaryKey : columns.map((c) => c.name);
  const keyIndexes = keyNames.map((k) => columns.findIndex((c) => c.name === k));
  const report = (rows: number) => ctx.onProgress?.({ table: t.qualified, rows, tablesDone, tables: ctx.schema.tables.length });
  return inTransaction(ctx.target, async () => {
    await ctx.target.query(`TRUNCATE ${tableIdent(t)}`);
    const copied = await copyTable({ source: ctx.source, target: ctx.target, ...copyStatements(t, ctx.selection), maskers, checks, keyIndexes, onRows: report, signal: ctx.signal });
    // Built here rather than after the last table: the server sorts this table's keys while the
    // other lane is masking, instead of every index waiting for the end.
    for (const sql of tableKeyStatements(t)) await ctx.target.query(sql);
    await ctx.target.query(`INSERT INTO ${META_SCHEMA}.copy_progress (table_name, rows, hash) VALUES ($1, $2, $3)`, [t.qualified, copied.rows, copied.hash]);
    return copied;
  });
}

/**
 * Tables not yet done, copied over every lane at once: each lane takes the next table in schema
 * order. Each table's copy is its own target transaction either way, so resume works per table.
 * After a failure no lane starts another table; the copies in flight finish first, so no query is
 * left running on a connection the caller is about to roll back or close.
 */
async function copyAll(ctx: FillContext): Promise<{ copies: Map<string, TableCopy>; resumed: boolean }> {
  const done = await ctx.target.query<{ table_name: string; rows: string; hash: string }>(`SELECT table_name, rows, hash FROM ${META_SCHEMA}.copy_progress`);
  const copies = new Map(done.rows.map((r) => [r.table_name, { rows: Number(r.rows), hash: r.hash }]));
  const resumed = copies.size > 0;
  const pending = ctx.schema.tables.filter((t) => !copies.has(t.qualified));
  const copied = new Map<string, TableCopy>();
  const lanes = [{ source: ctx.source, target: ctx.target }, ...(ctx.lanes ?? [])];
  let next = 0;
  let failed = false;
  const results = await Promise.allSettled(
    lanes.map(async (lane) => {
      while (!failed && next < pending.length) {
        ctx.signal?.throwIfAborted();
        const t = pending[next++]!;
        try {
          copied.set(t.qualified, await copyOne({ ...ctx, ...lane }, t, copies.size + copied.size));
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  // Kept tables first, then new ones in schema order: the same map a one-lane copy builds.
  for (const t of pending) copies.set(t.qualified, copied.get(t.qualified)!);
  return { copies, resumed };
}

/** Back to bare, empty tables (kept tables carry their keys and indexes, which a copy adds again). */
async function clearCopies(ctx: FillContext): Promise<void> {
  await createSchema(ctx, true);
}

export function contentHash(schema: SchemaInfo, copies: Map<string, TableCopy>): string {
  const hash = createHash('sha256');
  for (const t of schema.tables) {
    const c = copies.get(t.qualified)!;
    hash.update(`${t.qualified}\t${c.rows}\t${c.hash}\n`);
  }
  return hash.digest('hex');
}

/**
 * Schema, then data with each table's keys, then foreign keys. Tables kept from an interrupted
 * attempt came from an older snapshot; if the foreign keys then do not hold, every table is copied
 * again from this snapshot.
 */
export async function fillSandbox(ctx: FillContext): Promise<{ copies: Map<string, TableCopy>; resumed: boolean }> {
  await ensureSchema(ctx);
  const finished = await readState<Record<string, TableCopy>>(ctx.target, 'finished');
  if (finished) return { copies: new Map(Object.entries(finished)), resumed: true };
  for (let attempt = 1; ; attempt++) {
    const { copies, resumed } = await copyAll(ctx);
    try {
      await inTransaction(ctx.target, async () => {
        for (const sql of finalStatements(ctx.schema)) await ctx.target.query(sql);
        await writeState(ctx.target, 'finished', Object.fromEntries(copies));
      });
      return { copies, resumed };
    } catch (error) {
      if (!resumed || attempt > 1 || (error as { code?: string }).code !== '23503') throw error;
      await clearCopies(ctx);
    }
  }
}
