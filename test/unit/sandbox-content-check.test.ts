// The content check inside the row transform: every value of a column copied as it is passes the
// redactor, on the byte path and the non-ASCII path alike; a hit aborts the stream naming the
// column, while the rows that pass are written byte for byte as before.

import { describe, expect, it } from 'vitest';
import { MaskingTransform } from '../../activities/sandbox/copy.js';
import fc from 'fast-check';
import { columnContentCheck, contentChecker, joinable, mayHoldText, SensitiveContentError } from '../../domain/sandbox/content-check.js';
import type { ColumnPlan } from '../../domain/sandbox/plan.js';
import type { ColumnInfo, TableInfo } from '../../domain/sandbox/types.js';
import { createRedactor } from '../../domain/redact.js';

const column = (name: string, baseType: string): ColumnInfo => ({ name, type: baseType, baseType, notNull: false });
const table: TableInfo = { schema: 'public', name: 'tickets', qualified: 'public.tickets', columns: [column('id', 'int4'), column('body', 'text')], primaryKey: ['id'], constraints: [], foreignKeys: [], indexes: [] };
const unruled: ColumnPlan = { rule: 'keep', why: 'not sensitive' };
const detector = (joined: boolean) => ({ redactor: createRedactor(), joined, maskingPath: 'sandboxes.sources.primary.masking' });
const check = (plan = unruled, joined = false) => columnContentCheck(table, table.columns[1]!, plan, detector(joined));

async function run(rows: string[], chunkSize = 7, joined = false): Promise<{ out: string; error?: unknown; transform: MaskingTransform }> {
  const transform = new MaskingTransform({ maskers: [undefined, undefined], checks: [undefined, check(unruled, joined)], keyIndexes: [0] });
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

describe.each([false, true])('the content check during the copy (values joined: %s)', (joined) => {
  it('passes harmless rows through unchanged, NULLs and escapes included', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i + 1}\tprinter ${i % 3} jammed`);
    rows.push('501\t\\N', '502\tline one\\nline two', '503\tcafé au lait');
    const { out, error, transform } = await run(rows, 7, joined);
    expect(error).toBeUndefined();
    expect(out).toBe(rows.map((r) => `${r}\n`).join(''));
    expect(transform.rows).toBe(503);
  });

  it('aborts at the first value that looks personal, far past any sample, without quoting it', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i + 1}\t${i === 4999 ? 'reply to jane@customer-mail.example.com' : 'all fine'}`);
    const { error, out } = await run(rows, 4096, joined);
    expect(error).toBeInstanceOf(SensitiveContentError);
    expect((error as Error).message).toMatch(/^Column public\.tickets\.body looks sensitive \(its values look like email, first in row 5,000 of the copy\).*add sandboxes\.sources\.primary\.masking\.tickets\.body/);
    expect((error as Error).message).not.toContain('jane@');
    // Judged before its chunk is passed on: the value never leaves the transform.
    expect(out).not.toContain('jane@');
  });

  it('checks rows that take the non-ASCII path and escaped values, decoded', async () => {
    expect((await run(['1\tnaïve', '2\tcall +44 20 7946 0958 über'], 7, joined)).error).toBeInstanceOf(SensitiveContentError);
    expect((await run(['1\tnote', '2\tsee\\tjane@customer-mail.example.com'], 7, joined)).error).toBeInstanceOf(SensitiveContentError);
  });
});

describe('judging values joined', () => {
  // Fragments chosen to sit at the edges of values: parts of keys, separators, digits, addresses.
  const fragments = ['', ' ', '=', ':', '-', '.', '@', '+1', '555', '0123', '4111 1111 1111 1111', 'password', 'null', 'bearer', 'Authorization', 'basic',
    'ann@mail.example.org', '10.1.2.3', 'fe80::1', '+44 20 7946 0958', 'eyJhbGciOi', 'AKIA', 'ABCDEFGHIJKLMNOP', 'ghp_', 'x'.repeat(20), 'acme_live_', '\n', '\t', 'é'];
  const verdict = (joined: boolean, values: string[]) => {
    const c = contentChecker({ table: 't', column: 'c', ruleKey: 'k' }, createRedactor({ extraPatterns: [{ name: 'acme', pattern: 'acme_(live|test)_[A-Za-z0-9]{24}' }] }), joined);
    try {
      values.forEach((v, i) => c.add(v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t'), i + 1));
      c.flush();
      return 'clean';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('finds exactly what judging each value alone finds', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...fragments), { maxLength: 4 }).map((parts) => parts.join('')), { minLength: 1, maxLength: 12 }), (values) => {
        expect(verdict(true, values)).toBe(verdict(false, values));
      }),
      { numRuns: 400 },
    );
  });

  it('is used only when no policy pattern can tell a newline from the edge of a text', () => {
    expect(joinable([])).toBe(true);
    expect(joinable([{ name: 'acme', pattern: 'acme_(live|test)_[A-Za-z0-9]{24}' }])).toBe(true);
    expect(joinable([{ name: 'id', pattern: '^ACCT-\\d+$' }])).toBe(false);
    expect(joinable([{ name: 'ref', pattern: '(?<=,)REF\\d+' }])).toBe(false);
    expect(joinable([{ name: 'ref', pattern: 'REF\\d+(?!x)' }])).toBe(false);
  });
});

describe('which columns are checked', () => {
  it('leaves masked columns, policy keeps and types without text alone', () => {
    expect(check({ rule: 'keep', why: 'policy' })).toBeUndefined();
    expect(check({ rule: 'tokenize', why: 'policy' })).toBeUndefined();
    expect(columnContentCheck(table, table.columns[0]!, unruled, detector(false))).toBeUndefined();
    expect(['int8', 'timestamptz', 'uuid', 'bool'].some((t) => mayHoldText(column('c', t)))).toBe(false);
    expect(['text', 'varchar', 'jsonb', '_text', 'mood'].every((t) => mayHoldText(column('c', t)))).toBe(true);
  });
});
