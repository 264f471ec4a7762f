import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { formatRecord, resolveLogFormat, wantsColour } from '../../platform/log-format.js';
import { temporalLogger } from '../../worker/temporal-logger.js';

function prettyLogger(colour = false) {
  const chunks: string[] = [];
  const log = createLogger({ level: 'trace', format: 'pretty', colour, destination: { write: (chunk: string) => void chunks.push(chunk) } });
  return { log, chunks };
}

const TIME = /^\d\d:\d\d:\d\d\.\d{3} /;

describe('pretty logs', () => {
  it('writes one line per record: time, level name, message, fields', () => {
    const { log, chunks } = prettyLogger();
    log.info({ role: 'all', url: 'http://127.0.0.1:3000', integrations: ['slack', 'github'], note: 'two words' }, 'Firebreak is up');
    log.warn('careful');
    log.child({ component: 'temporal' }).debug('polling');
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatch(TIME);
    expect(chunks[0]!.replace(TIME, '')).toBe('INFO  Firebreak is up role=all url=http://127.0.0.1:3000 integrations=["slack","github"] note="two words"\n');
    expect(chunks[1]!.replace(TIME, '')).toBe('WARN  careful\n');
    expect(chunks[2]!.replace(TIME, '')).toBe('DEBUG polling component=temporal\n');
  });

  it('is still redacted, and keeps text people typed on one line without escape sequences', () => {
    const chunks: string[] = [];
    const log = createLogger({ level: 'info', format: 'pretty', colour: false, redactor: createRedactor(), destination: { write: (c: string) => void chunks.push(c) } });
    log.info({ title: 'a\nb' }, 'paging alice@example.com about \u001b[2Jtitle\r\nline two');
    expect(chunks).toHaveLength(1);
    const [line] = chunks;
    expect(line).not.toContain('alice@example.com');
    expect(line).toContain('[REDACTED:email]');
    expect(line).not.toContain('\u001b');
    expect(line).toContain('\\u001b[2Jtitle\\u000d\\nline two');
    expect(line).toContain('title="a\\nb"');
    expect(line!.split('\n')).toEqual([expect.any(String), '']);
  });

  it('names the error and puts its stack under the line for warnings and errors', () => {
    const { log, chunks } = prettyLogger();
    log.error({ err: new Error('connection reset') }, 'query failed');
    const [first, ...stack] = chunks[0]!.trimEnd().split('\n');
    expect(first!.replace(TIME, '')).toBe('ERROR query failed: connection reset');
    expect(stack.length).toBeGreaterThan(0);
    for (const line of stack) expect(line).toMatch(/^ {4}at /);
  });

  it('colours the level on a terminal', () => {
    const { log, chunks } = prettyLogger(true);
    log.error('broken');
    expect(chunks[0]).toContain('\u001b[31mERROR\u001b[0m');
  });

  it('is chosen by FIREBREAK_LOG_FORMAT, else by whether stdout is a terminal; colour honours NO_COLOR', () => {
    expect(resolveLogFormat(undefined, { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat(undefined, { isTTY: false })).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', {})).toBe('pretty');
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatRecord('plain text', false)).toBe('plain text\n');
  });
});

describe('the Temporal SDK logger', () => {
  it("logs webpack's many-line statistics as one line at debug, the rest as a field", () => {
    const chunks: string[] = [];
    const log = createLogger({ level: 'trace', destination: { write: (c: string) => void chunks.push(c) } });
    const sdk = temporalLogger(log);
    sdk.info('\u001b[1masset workflow-bundle-1234.js\u001b[22m 1.2 MiB [emitted]\norphan modules 30 KiB\n\nwebpack 5.99 compiled successfully in 1450 ms');
    sdk.info('Workflow bundle created', { size: '1.2MB' });
    const records = chunks.map((c) => JSON.parse(c) as { level: number; msg: string; lines?: string[]; size?: string });
    expect(records[0]).toMatchObject({ level: 20, msg: 'asset workflow-bundle-1234.js 1.2 MiB [emitted]', lines: ['orphan modules 30 KiB', 'webpack 5.99 compiled successfully in 1450 ms'] });
    expect(records[1]).toMatchObject({ level: 30, msg: 'Workflow bundle created', size: '1.2MB' });
  });

  it('keeps a many-line error at error', () => {
    const chunks: string[] = [];
    const sdk = temporalLogger(createLogger({ level: 'trace', destination: { write: (c: string) => void chunks.push(c) } }));
    sdk.error('ERROR in ./workflows/index.ts\nModule not found');
    expect(JSON.parse(chunks[0]!)).toMatchObject({ level: 50, msg: 'ERROR in ./workflows/index.ts', lines: ['Module not found'] });
  });
});
