// Reads the source's schema from pg_catalog. Runs with an empty search_path so every name the
// server prints (types, defaults, constraint and index definitions) comes out schema-qualified and
// means the same thing in the target database.

import type pg from 'pg';
import type { ColumnInfo, ConstraintInfo, EnumInfo, ForeignKeyInfo, SchemaInfo, SequenceInfo, TableInfo } from '../../domain/sandbox/types.js';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`;

interface ColumnRow {
  table: string;
  name: string;
  type: string;
  base_type: string;
  not_null: boolean;
  default: string | null;
  identity: string;
  generated: string;
  max_length: number | null;
}

const COLUMNS = `
  SELECT c.oid::regclass::text AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         coalesce(bt.typname, t.typname) AS base_type, a.attnotnull AS not_null,
         pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated,
         CASE WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS max_length
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_SCHEMAS}
  ORDER BY 1, a.attnum`;

const CONSTRAINTS = `
  SELECT con.conrelid::regclass::text AS table, con.conname AS name, con.contype AS type, pg_get_constraintdef(con.oid) AS definition,
         con.confrelid::regclass::text AS ref_table,
         ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
         ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_columns
  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE con.contype IN ('p', 'u', 'c', 'x', 'f') AND c.relkind IN ('r', 'p') AND ${USER_SCHEMAS}
  ORDER BY 1, con.contype, con.conname`;

const INDEXES = `
  SELECT i.indrelid::regclass::text AS table, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
  ORDER BY 1, 2`;

// Identity sequences come with their columns; only free-standing and serial sequences are listed.
const SEQUENCES = `
  SELECT s.seqrelid::regclass::text AS name, format_type(s.seqtypid, NULL) AS type, s.seqincrement AS increment, s.seqmin AS min,
         s.seqmax AS max, s.seqstart AS start, s.seqcycle AS cycle,
         (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname) FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1) AS owned_by
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_SCHEMAS} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.seqrelid AND d.deptype = 'i')
  ORDER BY 1`;

const ENUMS = `
  SELECT t.oid::regtype::text AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ${USER_SCHEMAS} GROUP BY t.oid ORDER BY 1`;

/** `"Odd Schema".t` and `public.t` both become `schema.table` without quotes. */
function unquote(regclass: string): { schema: string; name: string; qualified: string } {
  const parts = regclass.match(/"(?:[^"]|"")*"|[^.]+/g)!.map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p));
  const [schema, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['public', parts[0]!];
  return { schema, name, qualified: `${schema}.${name}` };
}

function toColumn(r: ColumnRow): ColumnInfo {
  return {
    name: r.name,
    type: r.type,
    baseType: r.base_type,
    notNull: r.not_null,
    ...(r.default !== null && r.identity === '' && r.generated === '' ? { default: r.default } : {}),
    ...(r.identity === 'a' ? { identity: 'always' as const } : r.identity === 'd' ? { identity: 'by-default' as const } : {}),
    ...(r.generated === 's' && r.default !== null ? { generated: r.default } : {}),
    ...(r.max_length !== null ? { maxLength: r.max_length } : {}),
  };
}

function tables(columns: ColumnRow[]): Map<string, TableInfo> {
  const byName = new Map<string, TableInfo>();
  for (const r of columns) {
    const id = unquote(r.table);
    let t = byName.get(id.qualified);
    if (!t) byName.set(id.qualified, (t = { ...id, columns: [], primaryKey: [], constraints: [], foreignKeys: [], indexes: [] }));
    t.columns.push(toColumn(r));
  }
  return byName;
}

const KINDS: Record<string, ConstraintInfo['kind']> = { p: 'primary', u: 'unique', c: 'check', x: 'exclude' };

export async function introspectSchema(client: pg.ClientBase): Promise<SchemaInfo> {
  await client.query(`SET search_path = ''`);
  try {
    const byName = tables((await client.query<ColumnRow>(COLUMNS)).rows);
    const cons = await client.query<{ table: string; name: string; type: string; definition: string; ref_table: string | null; columns: string[]; ref_columns: string[] }>(CONSTRAINTS);
    for (const c of cons.rows) {
      const t = byName.get(unquote(c.table).qualified);
      if (!t) continue;
      if (c.type === 'f') {
        const fk: ForeignKeyInfo = { name: c.name, columns: c.columns, refTable: unquote(c.ref_table!).qualified, refColumns: c.ref_columns, definition: c.definition };
        t.foreignKeys.push(fk);
        continue;
      }
      if (c.type === 'p') t.primaryKey = c.columns;
      t.constraints.push({ name: c.name, kind: KINDS[c.type]!, definition: c.definition });
    }
    for (const i of (await client.query<{ table: string; definition: string }>(INDEXES)).rows) byName.get(unquote(i.table).qualified)?.indexes.push(i.definition);
    const seqRows = (await client.query<{ name: string; type: string; increment: string; min: string; max: string; start: string; cycle: boolean; owned_by: string | null }>(SEQUENCES)).rows;
    const sequences: SequenceInfo[] = seqRows.map((s) => ({
      qualified: unquote(s.name).qualified,
      options: `AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start}${s.cycle ? ' CYCLE' : ''}`,
      ...(s.owned_by ? { ownedBy: ownedBy(s.owned_by) } : {}),
    }));
    const enums: EnumInfo[] = (await client.query<{ name: string; labels: string[] }>(ENUMS)).rows.map((e) => ({ qualified: unquote(e.name).qualified, labels: e.labels }));
    // Code-unit order, not locale order: the content hash walks tables in this order on every server.
    const list = [...byName.values()].sort((a, b) => (a.qualified < b.qualified ? -1 : a.qualified > b.qualified ? 1 : 0));
    const schemas = [...new Set([...list.map((t) => t.schema), ...enums.map((e) => e.qualified.split('.')[0]!), ...sequences.map((s) => s.qualified.split('.')[0]!)])].sort();
    return { schemas, enums, sequences, tables: list };
  } finally {
    await client.query('RESET search_path');
  }
}

function ownedBy(text: string): string {
  const lastDot = text.lastIndexOf('.');
  const column = text.slice(lastDot + 1);
  return `${unquote(text.slice(0, lastDot)).qualified}.${column.startsWith('"') ? column.slice(1, -1).replace(/""/g, '"') : column}`;
}
