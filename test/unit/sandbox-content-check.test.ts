// The content check inside the row transform: every value of a column copied as it is passes the
// redactor, on the byte path and the non-ASCII path alike; a hit aborts the stream naming the
// column, while the rows that pass are written byte for byte as before.

import { describe, expect, it } from 'vitest';
import { MaskingTransform } from '../../activities/sandbox/copy.js';
import { columnContentCheck, mayHoldText, SensitiveContentError } from '../../domain/sandbox/content-check.js';
import type { ColumnPlan } from '../../domain/sandbox/plan.js';
import type { ColumnInfo, TableInfo } from '../../domain/sandbox/types.js';
import { createRedactor } from '../../domain/redact.js';

const column = (name: string, baseType: string): ColumnInfo => ({ name, type: baseType, baseType, notNull: false });
const table: TableInfo = { schema: 'public', name: 'tickets', qualified: 'public.tickets', columns: [column('id', 'int4'), column('body', 'text')], primaryKey: ['id'], constraints: [], foreignKeys: [], indexes: [] };
const unruled: ColumnPlan = { rule: 'keep', why: 'not sensitive' };
const check = (plan = unruled) => columnContentCheck(table, table.columns[1]!, plan, createRedactor(), 'sandboxes.sources.primary.masking');

async function run(rows: string[], chunkSize = 7): Promise<{ out: string; error?: unknown; transform: MaskingTransform }> {
  const transform = new MaskingTransform({ maskers: [undefined, undefined], checks: [undefined, check()], keyIndexes: [0] });
  const chunks: Buffer[] = [];
  transform.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<unknown>((resolve) => {
    transform.on('end', () => resolve(undefined));
    transform.on('error', resolve);
  });
  const data = Buffer.from(rows.map((r) => `${r}\n`).join(''));
  for (let at = 0; at < data.length; at += chunkSize) transform.write(data.subarray(at, at + chunkSize));
  transform.end();
  const error = await done;
  return { out: Buffer.concat(chunks).toString(), error, transform };
}

describe('the content check during the copy', () => {
  it('passes harmless rows through unchanged, NULLs and escapes included', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i + 1}\tprinter ${i % 3} jammed`);
    rows.push('501\t\\N', '502\tline one\\nline two', '503\tcafé au lait');
    const { out, error, transform } = await run(rows);
    expect(error).toBeUndefined();
    expect(out).toBe(rows.map((r) => `${r}\n`).join(''));
    expect(transform.rows).toBe(503);
  });

  it('aborts at the first value that looks personal, far past any sample, without quoting it', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i + 1}\t${i === 4999 ? 'reply to jane@customer-mail.example.com' : 'all fine'}`);
    const { error } = await run(rows, 4096);
    expect(error).toBeInstanceOf(SensitiveContentError);
    expect((error as Error).message).toMatch(/^Column public\.tickets\.body looks sensitive \(its values look like email, first in row 5,000 of the copy\).*add sandboxes\.sources\.primary\.masking\.tickets\.body/);
    expect((error as Error).message).not.toContain('jane@');
  });

  it('checks rows that take the non-ASCII path and escaped values, decoded', async () => {
    expect((await run(['1\tnaïve', '2\tcall +44 20 7946 0958 über'])).error).toBeInstanceOf(SensitiveContentError);
    expect((await run(['1\tnote', '2\tsee\\tjane@customer-mail.example.com'])).error).toBeInstanceOf(SensitiveContentError);
  });

  it('leaves masked columns, policy keeps and types without text alone', () => {
    expect(check({ rule: 'keep', why: 'policy' })).toBeUndefined();
    expect(check({ rule: 'tokenize', why: 'policy' })).toBeUndefined();
    expect(columnContentCheck(table, table.columns[0]!, unruled, createRedactor(), 'x')).toBeUndefined();
    expect(['int8', 'timestamptz', 'uuid', 'bool'].some((t) => mayHoldText(column('c', t)))).toBe(false);
    expect(['text', 'varchar', 'jsonb', '_text', 'mood'].every((t) => mayHoldText(column('c', t)))).toBe(true);
  });
});
