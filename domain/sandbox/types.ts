// What the sandbox engine knows about a source database, as read from its catalog. Everything the
// DDL generator, the subset planner and the masking planner need, and nothing that carries data.

export interface ColumnInfo {
  name: string;
  /** `format_type()` output: `integer`, `character varying(80)`, `numeric(10,2)`, `public.mood`. */
  type: string;
  /** The base type's name in pg_type (`int4`, `varchar`, `timestamptz`), for choosing transformers. */
  baseType: string;
  notNull: boolean;
  /** The column default as SQL, when it is one the target can evaluate (sequences, literals). */
  default?: string;
  identity?: 'always' | 'by-default';
  /** Expression of a stored generated column: recreated, never copied. */
  generated?: string;
  /** varchar(n)/char(n) length, so masked text still fits. */
  maxLength?: number;
}

export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  /** `schema.table` of the referenced table. */
  refTable: string;
  refColumns: string[];
  /** `pg_get_constraintdef()`: `FOREIGN KEY (a) REFERENCES s.t(b) ON DELETE CASCADE …`. */
  definition: string;
}

export interface ConstraintInfo {
  name: string;
  kind: 'primary' | 'unique' | 'check' | 'exclude';
  definition: string;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** `schema.table`, the name every map in the engine is keyed by. */
  qualified: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  constraints: ConstraintInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** `pg_get_indexdef()` of indexes that no constraint owns. */
  indexes: string[];
}

export interface SequenceInfo {
  qualified: string;
  /** `CREATE SEQUENCE …` options (type, increment, bounds, cycle) as SQL. */
  options: string;
  /** `schema.table.column` that owns it, for serial columns. */
  ownedBy?: string;
}

export interface EnumInfo {
  qualified: string;
  labels: string[];
}

export interface SchemaInfo {
  schemas: string[];
  enums: EnumInfo[];
  sequences: SequenceInfo[];
  tables: TableInfo[];
}

/** The part of the policy's `sandboxes` section the engine uses. */
export interface SubsetRule {
  limit?: number;
  where?: string;
}
export type MaskRuleInput = string | { constant: string | number | boolean | null };
export interface SandboxRules {
  subset: Record<string, SubsetRule>;
  masking: Record<string, Record<string, MaskRuleInput>>;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const qualifiedIdent = (qualified: string): string => {
  const dot = qualified.indexOf('.');
  return `${quoteIdent(qualified.slice(0, dot))}.${quoteIdent(qualified.slice(dot + 1))}`;
};
export const tableIdent = (t: TableInfo): string => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
