import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookPager, webhookSignature } from '../../activities/paging-webhook/client.js';
import { buildWebhookEvent } from '../../activities/pagerduty/webhook-events.js';
import { escalationText } from '../../domain/paging.js';
import { startPagerWebhookStandIn, verifySignature, type PagerWebhookStandIn } from '../standins/pager-webhook.js';

const event = (dedupKey: string) =>
  buildWebhookEvent({ action: 'trigger', incident: 'INC-7', service: 'payments', dedupKey, severity: 'SEV1', summary: 'Database\n down' }, new Date('2026-01-02T03:04:05Z'));

describe('webhook pager events', () => {
  it('builds the version 1 body with the summary on one line', () => {
    expect(event('INC-7')).toEqual({
      version: 1,
      action: 'trigger',
      dedup_key: 'INC-7',
      incident: 'INC-7',
      service: 'payments',
      severity: 'SEV1',
      summary: 'Database down',
      links: [],
      sent_at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('signs timestamp.body with HMAC-SHA256, as a receiver recomputes it', () => {
    const body = JSON.stringify(event('INC-7'));
    const signature = webhookSignature('s3cret', '1767323045', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', '1767323045', body, signature)).toBe(true);
    expect(verifySignature('s3cret', '1767323046', body, signature)).toBe(false);
    expect(verifySignature('other', '1767323045', body, signature)).toBe(false);
    expect(verifySignature('s3cret', '1767323045', `${body} `, signature)).toBe(false);
  });

  it('says whom an escalation woke and after how long', () => {
    const input = { incident: 'INC-7', service: 'payments', dedupKey: 'INC-7', severity: 'SEV1' as const, ackWithinSeconds: 300 };
    expect(escalationText({ ...input, level: 1, target: { name: 'alice', slack: 'U0ALICE', github: 'alice-gh', role: 'manager', team: 'payments' } })).toBe(
      'Page to payments for INC-7 [SEV1] not acknowledged after 300s: escalated to alice (manager of payments).',
    );
    expect(escalationText({ ...input, level: 2, target: { name: 'carol', slack: 'U0CAROL', github: 'carol-gh', role: 'fallback' } })).toMatch(/after 600s: escalated to carol \(fallback\)\.$/);
  });
});

describe('the webhook client against the stand-in receiver', () => {
  let hook: PagerWebhookStandIn;
  beforeAll(async () => {
    hook = await startPagerWebhookStandIn();
  });
  afterAll(() => hook?.stop());

  it('is accepted when signed with the shared secret', async () => {
    await createWebhookPager({ url: hook.url, secret: hook.secret }).send(event('W-1'));
    expect(hook.accepted({ dedupKey: 'W-1' })).toHaveLength(1);
  });

  it('turns a 401 (wrong secret) into a non-retryable failure that carries neither the secret nor the body', async () => {
    const err = await createWebhookPager({ url: hook.url, secret: 'not-the-secret' }).send(event('W-2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'PagingWebhookRefused', nonRetryable: true });
    expect((err as Error).message).toBe('The paging webhook refused the trigger event with 401: bad signature');
    expect(hook.calls.at(-1)!.status).toBe(401);
  });

  it('turns a 429 into a retryable failure waiting Retry-After, and a 5xx into a plain retryable one', async () => {
    hook.failNext(429, { retryAfter: 7 });
    const limited = await createWebhookPager({ url: hook.url, secret: hook.secret }).send(event('W-3')).catch((e: unknown) => e);
    expect(limited).toMatchObject({ type: 'PagingWebhookRateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    hook.failNext(502);
    const down = await createWebhookPager({ url: hook.url, secret: hook.secret }).send(event('W-4')).catch((e: unknown) => e);
    expect(down).toMatchObject({ type: 'PagingWebhookUnavailable', nonRetryable: false });
  });

  it('reads at most a few kilobytes of an answer', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('x'.repeat(5_000_000));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const err = await createWebhookPager({ url: `http://127.0.0.1:${port}/`, secret: 's' }).send(event('W-5')).catch((e: unknown) => e);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(err).toMatchObject({ type: 'PagingWebhookRefused' });
    expect((err as Error).message.length).toBeLessThan(300);
  });
});
