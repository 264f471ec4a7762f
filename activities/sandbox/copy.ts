// Streams one table from source to target: COPY TO STDOUT → mask row by row → COPY FROM STDIN.
// stream.pipeline carries backpressure end to end, so memory holds a few chunks whatever the
// table's size. The table's hash is taken over the rows as written, in primary-key order.

import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { COPY_NULL } from '../../domain/sandbox/copy-text.js';
import type { FieldMasker } from './masker.js';

const NEWLINE = 0x0a;
const PROGRESS_EVERY = 10_000;

export interface RowTransformOptions {
  /** Masker per column position; undefined keeps the field as it is. */
  maskers: (FieldMasker | undefined)[];
  /** Positions of the primary key (all columns without one): noise is keyed by them. */
  keyIndexes: number[];
  onRows?: (rows: number) => void;
}

export class MaskingTransform extends Transform {
  rows = 0;
  private readonly hash = createHash('sha256');
  private rest: Buffer | undefined;
  private readonly masked: [number, FieldMasker][];

  constructor(private readonly options: RowTransformOptions) {
    super({ highWaterMark: 1 << 16 });
    this.masked = options.maskers.flatMap((m, i) => (m ? [[i, m] as [number, FieldMasker]] : []));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
      const end = data.lastIndexOf(NEWLINE);
      this.rest = end === data.length - 1 ? undefined : Buffer.from(data.subarray(end + 1));
      if (end < 0) return done();
      const before = this.rows;
      const out = this.masked.length === 0 ? this.passThrough(data.subarray(0, end + 1)) : this.maskLines(data, end);
      this.hash.update(out);
      if (Math.floor(before / PROGRESS_EVERY) !== Math.floor(this.rows / PROGRESS_EVERY)) this.options.onRows?.(this.rows);
      done(null, out);
    } catch (error) {
      done(error as Error);
    }
  }

  /** Tables without rules go through as bytes: only rows are counted. */
  private passThrough(rows: Buffer): Buffer {
    for (let at = rows.indexOf(NEWLINE); at >= 0; at = rows.indexOf(NEWLINE, at + 1)) this.rows++;
    return rows;
  }

  private maskLines(data: Buffer, end: number): Buffer {
    const lines = data.toString('utf8', 0, end).split('\n');
    let out = '';
    for (const line of lines) out += `${this.maskLine(line)}\n`;
    this.rows += lines.length;
    return Buffer.from(out);
  }

  override _flush(done: TransformCallback): void {
    // COPY text output always ends rows with a newline; anything left is a truncated stream.
    if (this.rest && this.rest.length > 0) return done(new Error('the source ended in the middle of a row'));
    this.options.onRows?.(this.rows);
    done();
  }

  private maskLine(line: string): string {
    if (this.masked.length === 0) return line;
    const fields = line.split('\t');
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
  const out = input.source.query(copyTo(input.copyOut));
  const into = input.target.query(copyFrom(input.copyIn));
  await pipeline(out, transform, into, ...(input.signal ? [{ signal: input.signal }] : []));
  return { rows: transform.rows, hash: transform.digest() };
}
