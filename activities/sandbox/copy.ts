// Streams one table from source to target: COPY TO STDOUT → mask row by row → COPY FROM STDIN.
// stream.pipeline carries backpressure end to end, so memory holds a few chunks whatever the
// table's size. The table's hash is taken over the rows as written, in primary-key order.

import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ColumnCheck } from '../../domain/sandbox/content-check.js';
import { COPY_NULL } from '../../domain/sandbox/copy-text.js';
import { CopyOutStream } from './copy-out.js';
import type { FieldMasker } from './masker.js';

const NEWLINE = 0x0a;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const PROGRESS_EVERY = 10_000;

export interface RowTransformOptions {
  /** Masker per column position; undefined keeps the field as it is. */
  maskers: (FieldMasker | undefined)[];
  /**
   * Content check per column position, for fields copied as they are: sees every non-NULL value,
   * judged before the chunk holding it is passed on, and throws to abort the copy. Never set where
   * a masker is.
   */
  checks?: (ColumnCheck | undefined)[];
  /** Positions of the primary key (all columns without one): noise is keyed by them. */
  keyIndexes: number[];
  onRows?: (rows: number) => void;
}

export class MaskingTransform extends Transform {
  rows = 0;
  private readonly hash = createHash('sha256');
  private rest: Buffer | undefined;
  private readonly masked: [number, FieldMasker][];
  private readonly checked: [number, ColumnCheck][];
  /** Field start offsets of the row being masked, reused for every row. */
  private readonly starts: Int32Array;

  constructor(private readonly options: RowTransformOptions) {
    super({ highWaterMark: 1 << 16 });
    this.masked = options.maskers.flatMap((m, i) => (m ? [[i, m] as [number, FieldMasker]] : []));
    this.checked = (options.checks ?? []).flatMap((c, i) => (c && !options.maskers[i] ? [[i, c] as [number, ColumnCheck]] : []));
    this.starts = new Int32Array(options.maskers.length + 1);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
      const end = data.lastIndexOf(NEWLINE);
      this.rest = end === data.length - 1 ? undefined : Buffer.from(data.subarray(end + 1));
      if (end < 0) return done();
      const before = this.rows;
      const out = this.masked.length === 0 && this.checked.length === 0 ? this.passThrough(data.subarray(0, end + 1)) : this.maskLines(data, end);
      for (const [, check] of this.checked) check.flush();
      this.hash.update(out);
      if (Math.floor(before / PROGRESS_EVERY) !== Math.floor(this.rows / PROGRESS_EVERY)) this.options.onRows?.(this.rows);
      done(null, out);
    } catch (error) {
      done(error as Error);
    }
  }

  /** Tables without rules or checks go through as bytes: only rows are counted. */
  private passThrough(rows: Buffer): Buffer {
    for (let at = rows.indexOf(NEWLINE); at >= 0; at = rows.indexOf(NEWLINE, at + 1)) this.rows++;
    return rows;
  }

  /**
   * Rows are scanned as bytes: fields without a rule (and NULLs) are copied byte for byte, and only
   * the fields a rule touches, plus the row key, become strings. Same output as splitting each line
   * on tabs and joining it again, without a string per field and a string per row.
   */
  private maskLines(data: Buffer, end: number): Buffer {
    const width = this.options.maskers.length;
    const starts = this.starts;
    let out: Buffer = Buffer.allocUnsafe(end + 1 + (end >> 1) + 256);
    let o = 0;
    for (let line = 0; line <= end; ) {
      // starts[f] is where field f begins; starts[f + 1] - 1 is the tab or newline after it.
      let fields = 0;
      starts[0] = line;
      let at = line;
      let high = 0;
      for (; ; at++) {
        const b = data[at]!;
        if (b === NEWLINE) break;
        high |= b;
        if (b === TAB && ++fields < width) starts[fields] = at + 1;
      }
      this.rows++;
      const next = at + 1;
      if (fields !== width - 1 || high > 0x7f) {
        // Non-ASCII rows (whose bytes a UTF-8 decode may normalise) and rows of another width: the
        // string path, exactly as before.
        const text = Buffer.from(`${this.maskLine(data.toString('utf8', line, at))}\n`);
        if (o + text.length > out.length) out = grow(out, o, text.length);
        o += text.copy(out, o);
        line = next;
        continue;
      }
      starts[width] = next;
      for (const [i, check] of this.checked) {
        const from = starts[i]!;
        const to = starts[i + 1]! - 1;
        if (!(to - from === 2 && data[from] === BACKSLASH && data[from + 1] === 0x4e)) check.add(ascii(data, from, to), this.rows);
      }
      const rowKey = this.masked.length > 0 ? this.rowKey(data) : '';
      let copyFrom = line;
      for (const [i, mask] of this.masked) {
        const from = starts[i]!;
        const to = starts[i + 1]! - 1;
        // `\N` is a NULL: kept as it is.
        if (to - from === 2 && data[from] === BACKSLASH && data[from + 1] === 0x4e) continue;
        const value = mask(ascii(data, from, to), rowKey);
        const span = from - copyFrom;
        const need = span + value.length * 3;
        if (o + need > out.length) out = grow(out, o, need);
        if (span > 0) o += span < 64 ? copyBytes(data, copyFrom, from, out, o) : data.copy(out, o, copyFrom, from);
        o = writeText(out, o, value);
        copyFrom = to;
      }
      const span = next - copyFrom;
      if (o + span > out.length) out = grow(out, o, span);
      o += span < 64 ? copyBytes(data, copyFrom, next, out, o) : data.copy(out, o, copyFrom, next);
      line = next;
    }
    return out.subarray(0, o);
  }

  /** The row's key as the string path built it: the raw field, or raw fields joined by tabs. */
  private rowKey(data: Buffer): string {
    const keys = this.options.keyIndexes;
    const starts = this.starts;
    if (keys.length === 1) return ascii(data, starts[keys[0]!]!, starts[keys[0]! + 1]! - 1);
    let key = '';
    for (let k = 0; k < keys.length; k++) key += (k > 0 ? '\t' : '') + ascii(data, starts[keys[k]!]!, starts[keys[k]! + 1]! - 1);
    return key;
  }

  override _flush(done: TransformCallback): void {
    // COPY text output always ends rows with a newline; anything left is a truncated stream.
    if (this.rest && this.rest.length > 0) return done(new Error('the source ended in the middle of a row'));
    this.options.onRows?.(this.rows);
    done();
  }

  private maskLine(line: string): string {
    if (this.masked.length === 0 && this.checked.length === 0) return line;
    const fields = line.split('\t');
    for (const [i, check] of this.checked) {
      const field = fields[i];
      if (field !== undefined && field !== COPY_NULL) check.add(field, this.rows);
    }
    if (this.masked.length === 0) return line;
    const keys = this.options.keyIndexes;
    const rowKey = keys.length === 1 ? fields[keys[0]!]! : keys.map((i) => fields[i]).join('\t');
    for (const [i, mask] of this.masked) {
      const field = fields[i]!;
      if (field !== COPY_NULL) fields[i] = mask(field, rowKey);
    }
    return fields.join('\t');
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

// Rows on the byte path are ASCII, where Latin-1 and UTF-8 decode alike; Buffer's own latin1Slice
// skips toString's encoding dispatch (toString where a runtime lacks it).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice;
const ascii = latin1Slice ? (data: Buffer, start: number, end: number) => latin1Slice.call(data, start, end) : (data: Buffer, start: number, end: number) => data.toString('latin1', start, end);

/** A larger buffer holding `out[0, used)`, with room for `need` more bytes. */
function grow(out: Buffer, used: number, need: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, used + need + 256));
  out.copy(bigger, 0, 0, used);
  return bigger;
}

/** Short spans: a loop beats the native copy's call overhead. */
function copyBytes(from: Buffer, start: number, end: number, to: Buffer, at: number): number {
  for (let i = start; i < end; i++) to[at++] = from[i]!;
  return end - start;
}

/** Writes `text` as UTF-8 at `at` (room for 3 bytes per UTF-16 unit is ensured); returns the end. */
function writeText(out: Buffer, at: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return at + out.write(text, at, 'utf8');
    out[at + i] = c;
  }
  return at + n;
}

export interface CopyTableInput extends RowTransformOptions {
  source: pg.ClientBase;
  target: pg.ClientBase;
  /** `COPY (SELECT …) TO STDOUT`, rows in primary-key order. */
  copyOut: string;
  /** `COPY schema.table (cols) FROM STDIN`. */
  copyIn: string;
  signal?: AbortSignal;
}

export async function copyTable(input: CopyTableInput): Promise<{ rows: number; hash: string }> {
  const transform = new MaskingTransform(input);
  const out = input.source.query(new CopyOutStream(input.copyOut));
  const into = input.target.query(copyFrom(input.copyIn));
  await pipeline(out, transform, into, ...(input.signal ? [{ signal: input.signal }] : []));
  return { rows: transform.rows, hash: transform.digest() };
}
