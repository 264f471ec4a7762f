import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyBudget, BodyRefused, readBody, readText } from '../../platform/http/read-body.js';

/** A request stream with the given headers; the test writes its body. */
function request(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

async function refusal(promise: Promise<unknown>): Promise<BodyRefused> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BodyRefused);
  return err as BodyRefused;
}

describe('readBody', () => {
  it('returns a body up to the cap exactly, in one or many chunks', async () => {
    const one = request({ 'content-length': '4' });
    one.end('abcd');
    expect(await readText(one, 4)).toBe('abcd');
    const many = request();
    const reading = readBody(many, 6);
    many.write('ab');
    many.write('cd');
    many.end('ef');
    expect((await reading).toString()).toBe('abcdef');
  });

  it('refuses a declared length over the cap without reading a byte', async () => {
    const req = request({ 'content-length': String(25 * 1024 * 1024) });
    const err = await refusal(readBody(req, 1024));
    expect(err.status).toBe(413);
    expect(req.listenerCount('data')).toBe(0);
    expect(req.readableFlowing).toBeNull();
  });

  it('stops reading an undeclared (chunked) body the moment it passes the cap', async () => {
    const req = request();
    const reading = readBody(req, 10);
    req.write('0123456789');
    req.write('x');
    const err = await refusal(reading);
    expect(err.status).toBe(413);
    expect(req.listenerCount('data')).toBe(0);
    expect(req.isPaused()).toBe(true);
  });

  it('refuses a malformed Content-Length, and a body cut off half way', async () => {
    expect((await refusal(readBody(request({ 'content-length': '12abc' }), 100))).status).toBe(400);
    const req = request({ 'content-length': '10' });
    const reading = readBody(req, 100);
    req.write('abc');
    req.destroy();
    expect((await refusal(reading)).status).toBe(400);
  });
});

describe('the process-wide body budget', () => {
  it('refuses 503 once reads in progress hold the budget, and gives the bytes back when a read ends', async () => {
    const budget = new BodyBudget(10);
    const slow = request();
    const holding = readBody(slow, 100, budget);
    slow.write('12345678');
    await new Promise((r) => setImmediate(r));
    expect(budget.inUse).toBe(8);

    const other = request();
    const refused = readBody(other, 100, budget);
    other.write('abc');
    expect((await refusal(refused)).status).toBe(503);
    expect(budget.inUse).toBe(8);

    slow.end('9');
    expect((await holding).toString()).toBe('123456789');
    expect(budget.inUse).toBe(0);

    const tooLong = request();
    const cut = readBody(tooLong, 4, budget);
    tooLong.write('1234');
    tooLong.write('5');
    expect((await refusal(cut)).status).toBe(413);
    expect(budget.inUse).toBe(0);
  });
});
