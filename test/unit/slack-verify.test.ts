import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../bots/slack/verify.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const now = 1_700_000_000_000;
const ts = String(now / 1000);
const body = 'token=x&command=%2Fincident&text=sev+1';
const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
  verifySlackSignature({ signingSecret: secret, rawBody: body, timestamp: ts, signature: signSlackRequest(secret, ts, body), nowMs: now, ...overrides });

describe('Slack signature verification', () => {
  it('accepts what Slack signs, within five minutes either way', () => {
    expect(check({})).toEqual({ ok: true });
    const early = String(now / 1000 - 299);
    expect(check({ timestamp: early, signature: signSlackRequest(secret, early, body) })).toEqual({ ok: true });
  });

  it.each([
    ['another secret', { signature: signSlackRequest('other', ts, body) }, 'signature mismatch'],
    ['a changed body', { rawBody: `${body}&x=1` }, 'signature mismatch'],
    ['no signature', { signature: undefined }, 'missing signature headers'],
    ['no timestamp', { timestamp: undefined }, 'missing signature headers'],
    ['a non-numeric timestamp', { timestamp: '17e8' }, 'malformed timestamp'],
    ['a v1 signature', { signature: 'v1=abc' }, 'unknown signature version'],
    ['a timestamp 6 minutes old', { timestamp: String(now / 1000 - 360) }, 'timestamp outside the allowed window'],
    ['a timestamp 6 minutes ahead', { timestamp: String(now / 1000 + 360) }, 'timestamp outside the allowed window'],
  ])('refuses %s', (_name, overrides, reason) => {
    expect(check(overrides)).toEqual({ ok: false, reason });
  });
});
