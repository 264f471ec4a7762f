import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../domain/commands/index.js';
import { isNormalInput, normaliseInput } from '../../domain/text-input.js';

// Controls Postgres or the renderers refuse, and lone surrogates (not valid UTF-8).
// eslint-disable-next-line no-control-regex
const BAD = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('normaliseInput', () => {
  it('removes NUL and other control characters from a title', () => {
    expect(normaliseInput('Checkout\u0000 returns\u0007 502\u0085')).toBe('Checkout returns 502');
  });

  it('turns line breaks and tabs into spaces on one line, keeps them in multi-line text', () => {
    expect(normaliseInput('a\r\nb\tc\u2028d')).toBe('a b c d');
    expect(normaliseInput('a\r\nb\tc\u0000', { multiline: true })).toBe('a\nb\tc');
  });

  it('replaces lone surrogates and keeps real pairs', () => {
    expect(normaliseInput('x\uD800y\uDC00z 🔥')).toBe('x\uFFFDy\uFFFDz 🔥');
  });

  it('leaves clean text alone', () => {
    expect(isNormalInput('Checkout returns 502 — sev:2 «payments»')).toBe(true);
  });

  it('never leaves a control character or a lone surrogate, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (text, multiline) => {
        const out = normaliseInput(text, { multiline });
        expect(out).not.toMatch(BAD);
        if (!multiline) expect(out).not.toMatch(/[\n\t]/);
        expect(normaliseInput(out, { multiline })).toBe(out);
      }),
    );
  });

  it('is applied by the command parser, so no command carries a NUL', () => {
    const parsed = parseCommand('note disk\u0000 full\u0007');
    expect(parsed).toMatchObject({ ok: true, command: { kind: 'note', text: 'disk full' } });
  });
});
