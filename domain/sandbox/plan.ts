// Decides, before a single row moves, what happens to every column of every table: the policy's
// rule, tokenization spread along foreign keys (so masked keys still join), or "keep" for columns
// that look harmless. Everything that could leak or break the copy is refused here, all at once.

import type { Redactor } from '../redact.js';
import { sensitiveByContent, sensitiveByName } from './detect.js';
import { INTEGER_BITS } from './permute.js';
import type { MaskRuleInput, SandboxRules, SchemaInfo, TableInfo } from './types.js';

export type ColumnRule = MaskRuleInput;
export interface ColumnPlan {
  rule: ColumnRule;
  /** `policy`, `foreign key orders.customer_id`, or `not sensitive`: shown in the provenance. */
  why: string;
}
export type MaskingPlan = Record<string, Record<string, ColumnPlan>>;

export class SandboxPlanError extends Error {
  override name = 'SandboxPlanError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems: ${problems.slice(0, 5).join(' ')}${problems.length > 5 ? ' …' : ''}`);
  }
}

/** How the policy names a table: `users` in schema public, `schema.users` elsewhere. */
export function policyTableName(table: TableInfo): string {
  return table.schema === 'public' ? table.name : table.qualified;
}

/** The policy names tables `users` (schema public) or `schema.users`. */
export function policyEntry<T>(entries: Record<string, T>, table: TableInfo): T | undefined {
  return entries[table.qualified] ?? (table.schema === 'public' ? entries[table.name] : undefined);
}

const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'money']);
const DATES = new Set(['date', 'timestamp', 'timestamptz']);
const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);
const IPS = new Set(['inet', 'cidr', ...TEXTUAL]);

function typeProblem(rule: ColumnRule, baseType: string): string | undefined {
  if (typeof rule !== 'string') return undefined;
  const ok: Record<string, (t: string) => boolean> = {
    tokenize: (t) => TEXTUAL.has(t) || t === 'uuid' || INTEGER_BITS[t] !== undefined,
    email: (t) => TEXTUAL.has(t),
    phone: (t) => TEXTUAL.has(t),
    name: (t) => TEXTUAL.has(t),
    card: (t) => TEXTUAL.has(t),
    ip: (t) => IPS.has(t),
    noise: (t) => NUMERIC.has(t) && t !== 'money',
    'date-noise': (t) => DATES.has(t),
  };
  const check = ok[rule];
  return check && !check(baseType) ? `${rule} cannot mask a column of type ${baseType}` : undefined;
}

/** Columns joined by foreign keys must be masked alike, so each group shares one rule. */
function keyGroups(schema: SchemaInfo): Map<string, Set<string>> {
  const group = new Map<string, Set<string>>();
  const join = (a: string, b: string) => {
    const ga = group.get(a) ?? new Set([a]);
    const gb = group.get(b) ?? new Set([b]);
    const merged = ga === gb ? ga : new Set([...ga, ...gb]);
    for (const member of merged) group.set(member, merged);
  };
  for (const t of schema.tables) {
    for (const fk of t.foreignKeys) fk.columns.forEach((c, i) => join(`${t.qualified}.${c}`, `${fk.refTable}.${fk.refColumns[i]}`));
  }
  return group;
}

interface PlanInput {
  schema: SchemaInfo;
  rules: SandboxRules;
  /** Where these rules sit in the policy, for the messages: `sandboxes.sources.primary.masking`. */
  maskingPath?: string;
  /** Sampled non-null values of text columns, by `schema.table` then column. */
  samples: Record<string, Record<string, string[]>>;
  redactor: Redactor;
}

/** The policy key of a source's masking rules; `<name>` when the caller did not say which source. */
export function maskingPathOf(source: string | undefined): string {
  return `sandboxes.sources.${source ?? '<name>'}.masking`;
}

function explicitRules(input: PlanInput, problems: string[]): Map<string, ColumnRule> {
  const explicit = new Map<string, ColumnRule>();
  const path = input.maskingPath ?? maskingPathOf(undefined);
  const known = new Set(input.schema.tables.flatMap((t) => [t.qualified, ...(t.schema === 'public' ? [t.name] : [])]));
  for (const [table, columns] of Object.entries(input.rules.masking)) {
    const t = input.schema.tables.find((x) => x.qualified === table || (x.schema === 'public' && x.name === table));
    if (!t || !known.has(table)) {
      problems.push(`The masking rules name table ${table}, which the source does not have; fix ${path}.${table}.`);
      continue;
    }
    for (const [column, rule] of Object.entries(columns)) {
      if (!t.columns.some((c) => c.name === column)) problems.push(`The masking rules name column ${table}.${column}, which the source does not have; fix ${path}.${table}.${column}.`);
      else explicit.set(`${t.qualified}.${column}`, rule);
    }
  }
  return explicit;
}

function tokenizedByKey(key: string, groups: Map<string, Set<string>>, explicit: Map<string, ColumnRule>): string | undefined {
  for (const other of groups.get(key) ?? []) if (other !== key && explicit.get(other) === 'tokenize') return other;
  return undefined;
}

export function planMasking(input: PlanInput): MaskingPlan {
  const problems: string[] = [];
  const explicit = explicitRules(input, problems);
  const groups = keyGroups(input.schema);
  const plan: MaskingPlan = {};
  for (const t of input.schema.tables) {
    const columns: Record<string, ColumnPlan> = {};
    const keys = new Set([...t.primaryKey, ...t.foreignKeys.flatMap((fk) => fk.columns)]);
    for (const c of t.columns) {
      const key = `${t.qualified}.${c.name}`;
      const given = explicit.get(key);
      const via = tokenizedByKey(key, groups, explicit);
      const inGroup = groups.has(key);
      let entry: ColumnPlan;
      if (given !== undefined) entry = { rule: given, why: 'policy' };
      else if (via) entry = { rule: 'tokenize', why: `foreign key ${via}` };
      else {
        const reason = sensitiveByName(c) ?? (input.samples[t.qualified]?.[c.name] ? sensitiveByContent(input.samples[t.qualified]![c.name]!, input.redactor) : undefined);
        if (reason) problems.push(`Column ${t.qualified}.${c.name} looks sensitive (${reason}) and has no masking rule; add ${input.maskingPath ?? maskingPathOf(undefined)}.${policyTableName(t)}.${c.name} to the policy (keep if it is safe).`);
        entry = { rule: 'keep', why: 'not sensitive' };
      }
      if (given !== undefined && via === undefined && inGroup && given !== 'keep' && given !== 'tokenize') problems.push(`Column ${key} is part of a key; only tokenize or keep preserve its joins.`);
      if (given === 'keep' && via) problems.push(`Column ${key} is kept but joins ${via}, which is tokenized; tokenize both or keep both.`);
      if (keys.has(c.name) && entry.rule !== 'keep' && entry.rule !== 'tokenize') problems.push(`Column ${key} is part of a key; only tokenize or keep preserve its joins.`);
      if (entry.rule === 'null' && c.notNull) problems.push(`Column ${key} is NOT NULL, so the null rule cannot apply; use a constant.`);
      const bad = typeProblem(entry.rule, c.baseType);
      if (bad) problems.push(`Column ${key}: ${bad}.`);
      columns[c.name] = entry;
    }
    plan[t.qualified] = columns;
  }
  problems.push(...mismatchedTokens(input.schema, groups, plan));
  if (problems.length > 0) throw new SandboxPlanError([...new Set(problems)]);
  return plan;
}

/** Tokens agree only within one type family (int4 with int4, text with text): joins need that. */
function mismatchedTokens(schema: SchemaInfo, groups: Map<string, Set<string>>, plan: MaskingPlan): string[] {
  const problems: string[] = [];
  const family = (key: string) => {
    const dot = key.lastIndexOf('.');
    const t = schema.tables.find((x) => x.qualified === key.slice(0, dot));
    const c = t?.columns.find((x) => x.name === key.slice(dot + 1));
    if (!c) return undefined;
    return INTEGER_BITS[c.baseType] !== undefined ? c.baseType : c.baseType === 'uuid' ? 'uuid' : `text(${c.maxLength ?? 'any'})`;
  };
  for (const group of new Set(groups.values())) {
    const members = [...group].filter((key) => {
      const dot = key.lastIndexOf('.');
      return plan[key.slice(0, dot)]?.[key.slice(dot + 1)]?.rule === 'tokenize';
    });
    const families = new Set(members.map(family));
    if (families.size > 1) problems.push(`Columns ${members.sort().join(', ')} join but have different types (${[...families].join(', ')}); their tokens would not match, so keep them or give them one type.`);
  }
  return problems;
}

/** Human-readable rule, e.g. `tokenize` or `constant "[masked]"`. */
export function describeRule(rule: ColumnRule): string {
  return typeof rule === 'string' ? rule : `constant ${JSON.stringify(rule.constant)}`;
}
