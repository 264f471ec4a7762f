// The content detector over every value a sandbox copies unmasked (detect.ts judges a sample
// first). Runs inside the streaming copy, once per value, so it must stay cheap: values already
// seen clean are remembered, and only the redactor's verdict is kept, never the value that failed.

import type { RedactionPattern, Redactor } from '../redact.js';
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
 * Whether values may be judged many at a time, joined by newlines: one redactor call per chunk
 * instead of one per value. For the built-in detectors a newline acts exactly as the start or end
 * of a text does (their lookarounds and character runs never accept one), so a value that would be
 * redacted alone is redacted joined too; a joined text that changes is judged again value by value.
 * A policy pattern keeps that property unless it anchors (`^`, `$`) or looks around, which can tell
 * a newline from the edge of the text; then every value is judged alone.
 */
export function joinable(patterns: readonly RedactionPattern[]): boolean {
  return patterns.every((p) => !/[\^$]|\(\?<?[=!]/.test(p.pattern));
}

/** One column's values as the copy streams them; `flush` judges what was added, before it is written. */
export interface ColumnCheck {
  /** A raw COPY text field (never `\\N`) of the given 1-based row of the copy. */
  add(field: string, row: number): void;
  /** Throws SensitiveContentError for the first value added since the last flush that looks personal. */
  flush(): void;
}

/**
 * Judges one column's values with the redactor; a hit throws SensitiveContentError naming the
 * column and the rule to add, never the value. `joined` as decided by `joinable`.
 */
export function contentChecker(where: { table: string; column: string; ruleKey: string }, redactor: Redactor, joined: boolean): ColumnCheck {
  let clean = new Set<string>();
  let values: string[] = [];
  let rows: number[] = [];
  const remember = (value: string) => {
    if (value.length > MEMO_MAX_LENGTH) return;
    if (clean.size >= MEMO_LIMIT) clean = new Set();
    clean.add(value);
  };
  const judge = (value: string, row: number) => {
    const reason = sensitiveByContent([value], redactor);
    if (!reason) return remember(value);
    throw new SensitiveContentError([
      `Column ${where.table}.${where.column} looks sensitive (${reason}, first in row ${row.toLocaleString('en-US')} of the copy) and has no masking rule; add ${where.ruleKey} to the policy (keep if it is safe). The partial sandbox was dropped.`,
    ]);
  };
  return {
    add(field, row) {
      const value = decodeField(field) ?? '';
      if (clean.has(value)) return;
      if (!joined) return judge(value, row);
      values.push(value);
      rows.push(row);
    },
    flush() {
      if (values.length === 0) return;
      const [pending, at] = [values, rows];
      [values, rows] = [[], []];
      const text = pending.join('\n');
      if (pending.length > 1 && redactor.redact(text) === text) {
        for (const value of pending) remember(value);
        return;
      }
      pending.forEach((value, i) => judge(value, at[i]!));
    },
  };
}

/**
 * The check for one column of a copy, or undefined when the column needs none: masked columns are
 * replaced whatever they hold, a `keep` the policy states is a person's judgement (the way to
 * accept a false alarm), and some types cannot hold text. Every other column copied as it is, is
 * checked value by value.
 */
export function columnContentCheck(table: TableInfo, column: ColumnInfo, plan: ColumnPlan, detector: { redactor: Redactor; joined: boolean; maskingPath: string }): ColumnCheck | undefined {
  if (plan.rule !== 'keep' || plan.why === 'policy' || !mayHoldText(column)) return undefined;
  return contentChecker({ table: table.qualified, column: column.name, ruleKey: `${detector.maskingPath}.${policyTableName(table)}.${column.name}` }, detector.redactor, detector.joined);
}
