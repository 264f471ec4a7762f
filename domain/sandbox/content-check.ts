// The content detector over every value a sandbox copies unmasked (detect.ts judges a sample
// first). Runs inside the streaming copy, once per value, so it must stay cheap: values already
// seen clean are remembered, and only the redactor's verdict is kept, never the value that failed.

import type { Redactor } from '../redact.js';
import { decodeField } from './copy-text.js';
import { sensitiveByContent } from './detect.js';
import { policyTableName, SandboxPlanError, type ColumnPlan } from './plan.js';
import type { ColumnInfo, TableInfo } from './types.js';

// Types whose text form cannot carry free text (numbers, times, flags, identifiers), or carries it
// only as hex the redactor cannot read (bytea). Every other type a column may have is checked.
const NO_FREE_TEXT = new Set([
  'int2', 'int4', 'int8', 'oid', 'numeric', 'float4', 'float8', 'money', 'bool',
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea',
]);

/** Whether a column's values can hold text the content detector could recognise. */
export function mayHoldText(column: ColumnInfo): boolean {
  return !NO_FREE_TEXT.has(column.baseType);
}

/** A value of `table.column`, copied unmasked, that looks like personal data: the clone must stop. */
export class SensitiveContentError extends SandboxPlanError {
  override name = 'SensitiveContentError';
}

// Values repeat (statuses, categories, enum labels): a value seen clean costs one lookup next time.
const MEMO_LIMIT = 10_000;
const MEMO_MAX_LENGTH = 256;

/**
 * Checks one column's values as the copy streams them; throws SensitiveContentError at the first
 * value the redactor would change. The message names the column and the rule to add, never the value.
 */
export function contentChecker(where: { table: string; column: string; ruleKey: string }, redactor: Redactor): (value: string, row: number) => void {
  let clean = new Set<string>();
  return (value, row) => {
    if (clean.has(value)) return;
    const reason = sensitiveByContent([value], redactor);
    if (reason) {
      throw new SensitiveContentError([
        `Column ${where.table}.${where.column} looks sensitive (${reason}, first in row ${row.toLocaleString('en-US')} of the copy) and has no masking rule; add ${where.ruleKey} to the policy (keep if it is safe). The partial sandbox was dropped.`,
      ]);
    }
    if (value.length > MEMO_MAX_LENGTH) return;
    if (clean.size >= MEMO_LIMIT) clean = new Set();
    clean.add(value);
  };
}

/** Checks a raw COPY text field (never `\\N`) of the given 1-based row of the copy. */
export type FieldCheck = (field: string, row: number) => void;

/**
 * The check for one column of a copy, or undefined when the column needs none: masked columns are
 * replaced whatever they hold, a `keep` the policy states is a person's judgement (the way to
 * accept a false alarm), and some types cannot hold text. Every other column copied as it is, is
 * checked value by value.
 */
export function columnContentCheck(table: TableInfo, column: ColumnInfo, plan: ColumnPlan, redactor: Redactor, maskingPath: string): FieldCheck | undefined {
  if (plan.rule !== 'keep' || plan.why === 'policy' || !mayHoldText(column)) return undefined;
  const check = contentChecker({ table: table.qualified, column: column.name, ruleKey: `${maskingPath}.${policyTableName(table)}.${column.name}` }, redactor);
  return (field, row) => check(decodeField(field) ?? '', row);
}
