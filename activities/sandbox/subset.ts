// Which rows of each source table go into the sandbox. Tables the policy limits or filters start
// from those rows; then, until nothing changes, every row a selected row references is added, so
// each foreign key in the sandbox resolves, through cycles and self-references too. Keys live in
// temporary tables on the source, never in worker memory, so a million-row closure is fine.
//
// The temporary tables are created before the snapshot transaction starts: a READ ONLY
// transaction may write to temporary tables but may not create them.

import type pg from 'pg';
import { policyEntry } from '../../domain/sandbox/plan.js';
import { quoteIdent, tableIdent, type SandboxRules, type SchemaInfo, type TableInfo } from '../../domain/sandbox/types.js';

export interface Selection {
  /** `WHERE …` restricting a table to its selected rows; empty when the whole table goes. */
  where(table: TableInfo): string;
  /** Rows selected per subsetted table, for the provenance. */
  counts: Record<string, number>;
}

interface KeyTable {
  name: string;
  /** Source expressions of the key: the primary key, or ctid for tables without one. */
  columns: string[];
  types: string[];
}

function keyTableOf(t: TableInfo, index: number): KeyTable {
  if (t.primaryKey.length === 0) return { name: `pg_temp.fb_keys_${index}`, columns: ['ctid'], types: ['tid'] };
  const types = t.primaryKey.map((k) => t.columns.find((c) => c.name === k)!.type);
  return { name: `pg_temp.fb_keys_${index}`, columns: t.primaryKey.map(quoteIdent), types };
}

const keyList = (k: KeyTable) => k.columns.map((_, i) => `k${i}`).join(', ');
const prefixed = (alias: string, k: KeyTable) => k.columns.map((c) => `${alias}.${c}`).join(', ');

/** Session step, before the snapshot: one empty key table per subsetted table. */
export async function prepareKeyTables(client: pg.ClientBase, schema: SchemaInfo, rules: SandboxRules): Promise<Map<string, KeyTable>> {
  const keys = new Map<string, KeyTable>();
  for (const [i, t] of schema.tables.entries()) {
    if (!policyEntry(rules.subset, t)) continue;
    const k = keyTableOf(t, i);
    await client.query(`DROP TABLE IF EXISTS ${k.name}`);
    await client.query(`CREATE TEMP TABLE ${k.name} (${k.types.map((type, j) => `k${j} ${type}`).join(', ')}, PRIMARY KEY (${keyList(k)}))`);
    keys.set(t.qualified, k);
  }
  return keys;
}

async function seed(client: pg.ClientBase, t: TableInfo, k: KeyTable, rules: SandboxRules): Promise<void> {
  const rule = policyEntry(rules.subset, t)!;
  const where = rule.where ? ` WHERE ${rule.where}` : '';
  // Ordered by key so a limit picks the same rows every time: part of the sandbox's determinism.
  const limit = rule.limit !== undefined ? ` ORDER BY ${k.columns.join(', ')} LIMIT ${rule.limit}` : '';
  await client.query(`INSERT INTO ${k.name} (${keyList(k)}) SELECT ${k.columns.join(', ')} FROM ${tableIdent(t)}${where}${limit}`);
}

/** Adds the parent rows that selected child rows reference; returns how many were new. */
async function closeOver(client: pg.ClientBase, child: TableInfo, fkIndex: number, schema: SchemaInfo, keys: Map<string, KeyTable>): Promise<number> {
  const fk = child.foreignKeys[fkIndex]!;
  const parentKeys = keys.get(fk.refTable);
  if (!parentKeys) return 0; // the whole parent table goes: every reference resolves already
  const parent = schema.tables.find((t) => t.qualified === fk.refTable)!;
  const childKeys = keys.get(child.qualified);
  const on = fk.columns.map((c, i) => `p.${quoteIdent(fk.refColumns[i]!)} = c.${quoteIdent(c)}`).join(' AND ');
  const restrict = childKeys ? ` JOIN ${childKeys.name} kc ON (${prefixed('c', childKeys)}) = (${keyList(childKeys).replace(/k(\d+)/g, 'kc.k$1')})` : '';
  const missing = `NOT EXISTS (SELECT 1 FROM ${parentKeys.name} kp WHERE (${keyList(parentKeys).replace(/k(\d+)/g, 'kp.k$1')}) = (${prefixed('p', parentKeys)}))`;
  const result = await client.query(
    `INSERT INTO ${parentKeys.name} (${keyList(parentKeys)}) SELECT DISTINCT ${prefixed('p', parentKeys)} FROM ${tableIdent(parent)} p JOIN ${tableIdent(child)} c ON ${on}${restrict} WHERE ${missing}`,
  );
  return result.rowCount ?? 0;
}

/** Inside the snapshot transaction: seeds the key tables and closes them over every foreign key. */
export async function selectRows(client: pg.ClientBase, schema: SchemaInfo, rules: SandboxRules, keys: Map<string, KeyTable>): Promise<Selection> {
  for (const t of schema.tables) {
    const k = keys.get(t.qualified);
    if (k) await seed(client, t, k, rules);
  }
  // A fixed point: each pass can only add keys and the tables are finite, so it ends.
  for (let added = 1; added > 0; ) {
    added = 0;
    for (const t of schema.tables) for (const i of t.foreignKeys.keys()) added += await closeOver(client, t, i, schema, keys);
  }
  const counts: Record<string, number> = {};
  for (const [table, k] of keys) counts[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${k.name}`)).rows[0]!.n);
  return {
    counts,
    where(t) {
      const k = keys.get(t.qualified);
      return k ? ` WHERE (${k.columns.join(', ')}) IN (SELECT ${keyList(k)} FROM ${k.name})` : '';
    },
  };
}
