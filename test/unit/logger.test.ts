import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const SLACK_TOKEN = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const GITHUB_TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

function memoryLogger(options: Parameters<typeof createLogger>[0] = {}) {
  const chunks: string[] = [];
  const log = createLogger({ level: 'trace', ...options, destination: { write: (chunk: string) => void chunks.push(chunk) } });
  const output = () => chunks.join('');
  const lines = () => chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>);
  return { log, output, lines, chunks };
}

describe('logger', () => {
  it('writes one JSON object per line', () => {
    const { log, chunks, lines } = memoryLogger();
    log.info('first');
    log.warn({ incident: 'INC-42' }, 'second');
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(lines().map((line) => line.msg)).toEqual(['first', 'second']);
    expect(lines()[0]).toMatchObject({ level: 30, name: 'firebreak' });
  });

  it('redacts the message, including interpolated arguments', () => {
    const { log, output, lines } = memoryLogger();
    log.info('paging alice@example.com');
    log.info('calling %s from %s', '+14155552671', '10.0.0.1');
    expect(output()).not.toContain('alice@example.com');
    expect(output()).not.toContain('+14155552671');
    expect(output()).not.toContain('10.0.0.1');
    expect(lines()[0]?.msg).toBe('paging [REDACTED:email]');
  });

  it('redacts strings in merged objects and keeps ordinary fields', () => {
    const { log, output, lines } = memoryLogger();
    log.info({ incident: 'INC-42', status: 502, ttl: '30m', slack: { auth: SLACK_TOKEN }, notes: [`token ${GITHUB_TOKEN}`] }, 'posted');
    expect(output()).not.toContain(SLACK_TOKEN);
    expect(output()).not.toContain(GITHUB_TOKEN);
    expect(lines()[0]).toMatchObject({ incident: 'INC-42', status: 502, ttl: '30m', msg: 'posted', slack: { auth: '[REDACTED:slack-token]' } });
  });

  it('redacts error messages and stacks, whether the error is the first argument or a field', () => {
    const { log, output, lines } = memoryLogger();
    log.error(new Error(`rejected ${JWT}`));
    log.error({ err: new Error('db at postgres://app:s3cret@db:5432/x failed', { cause: new Error(`for ${JWT}`) }) }, 'query failed');
    log.warn({ error: new TypeError(`bad ${GITHUB_TOKEN}`) }, 'other key');
    expect(output()).not.toContain(JWT);
    expect(output()).not.toContain('s3cret');
    expect(output()).not.toContain(GITHUB_TOKEN);
    const [first, second, third] = lines();
    expect(first?.msg).toBe('rejected [REDACTED:jwt]');
    expect(first?.err).toMatchObject({ type: 'Error', message: 'rejected [REDACTED:jwt]' });
    expect(String((first?.err as { stack: string }).stack)).toContain('rejected [REDACTED:jwt]');
    expect(second?.err).toMatchObject({ type: 'Error' });
    expect(third?.error).toMatchObject({ type: 'TypeError', message: 'bad [REDACTED:github-token]' });
  });

  it('censors secret-named fields, at the top level and in request headers', () => {
    const { log, output, lines } = memoryLogger();
    log.info({ user: 'oncall', password: 'hunter2', req: { method: 'POST', headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: 'sid=abc' } } });
    log.info({ db: { password: 'hunter3', host: 'db' } });
    for (const secret of ['hunter2', 'hunter3', 'dXNlcjpwYXNz', 'sid=abc']) expect(output()).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ user: 'oncall', password: '[REDACTED:secret]', req: { method: 'POST' } });
    expect(lines()[1]).toMatchObject({ db: { host: 'db' } });
  });

  it('redacts child bindings and later bindings', () => {
    const { log, output, lines } = memoryLogger();
    const child = log.child({ reporter: 'bob@example.com', incident: 'INC-7' });
    child.child({ peer: '192.168.1.20' }).info('hello');
    child.setBindings({ reporter: 'carol@example.com' });
    child.info('again');
    expect(output()).not.toContain('bob@example.com');
    expect(output()).not.toContain('192.168.1.20');
    expect(output()).not.toContain('carol@example.com');
    expect(lines()[0]).toMatchObject({ incident: 'INC-7', reporter: '[REDACTED:email]', peer: '[REDACTED:ipv4]' });
  });

  it('uses a supplied redactor, so policy patterns reach the logs', () => {
    const redactor = createRedactor({ extraPatterns: [{ name: 'employee-id', pattern: 'EMP-\\d{6}' }] });
    const { log, lines } = memoryLogger({ redactor, name: 'test' });
    log.info({ who: 'EMP-123456' }, 'badge EMP-654321');
    expect(lines()[0]).toMatchObject({ name: 'test', who: '[REDACTED:employee-id]', msg: 'badge [REDACTED:employee-id]' });
  });

  it('respects the level', () => {
    const { log, chunks } = memoryLogger({ level: 'warn' });
    log.info('dropped');
    log.warn('kept');
    expect(chunks).toHaveLength(1);
  });

  it('defaults to info', () => {
    expect(createLogger().level).toBe('info');
  });
});
