import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagerDutyApi, PAGERDUTY_RATE_LIMIT_WAIT_MS } from '../../activities/pagerduty/client.js';
import { buildPagerDutyEvent, capSummary, commandPageDedupKey, MAX_SUMMARY, PAGERDUTY_SEVERITY } from '../../domain/paging.js';
import { startPagerDutyStandIn, type PagerDutyStandIn } from '../standins/pagerduty.js';

const routingKey = 'R0UTINGKEY0123456789abcdef012345';

describe('PagerDuty events', () => {
  it('maps SEV1..SEV4 to critical, error, warning and info', () => {
    expect(PAGERDUTY_SEVERITY).toEqual({ SEV1: 'critical', SEV2: 'error', SEV3: 'warning', SEV4: 'info' });
  });

  it('builds a trigger with payload and links, and acknowledge/resolve without a payload', () => {
    const links = [{ href: 'https://slack.com/app_redirect?channel=C1', text: 'Slack channel of INC-7' }];
    const trigger = buildPagerDutyEvent({ action: 'trigger', routingKey, dedupKey: 'INC-7', severity: 'SEV2', summary: '[SEV2] INC-7:  Checkout\n502s', details: { service: 'payments' }, links });
    expect(trigger).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: 'INC-7',
      payload: { summary: '[SEV2] INC-7: Checkout 502s', source: 'firebreak', severity: 'error', custom_details: { service: 'payments' } },
      links,
    });
    expect(buildPagerDutyEvent({ action: 'resolve', routingKey, dedupKey: 'INC-7', severity: 'SEV2', summary: 'ignored' })).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: 'INC-7' });
  });

  it('cuts a summary at 1024 characters with a visible ellipsis', () => {
    expect(capSummary('x'.repeat(MAX_SUMMARY))).toHaveLength(MAX_SUMMARY);
    const cut = capSummary('y'.repeat(5000));
    expect(cut).toHaveLength(MAX_SUMMARY);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('gives each command page its own dedup key', () => {
    expect(commandPageDedupKey('INC-7', 4)).toBe('INC-7:page:4');
  });
});

describe('the Events API client against the stand-in', () => {
  let pd: PagerDutyStandIn;
  beforeAll(async () => {
    pd = await startPagerDutyStandIn();
  });
  afterAll(() => pd?.stop());

  const event = (dedupKey: string) => buildPagerDutyEvent({ action: 'trigger', routingKey, dedupKey, severity: 'SEV1', summary: 'Database down' });

  it('resolves with the dedup key on 202', async () => {
    await expect(createPagerDutyApi({ eventsUrl: pd.url }).send(event('U-1'))).resolves.toEqual({ dedupKey: 'U-1' });
  });

  it("turns a 400 into a non-retryable failure carrying PagerDuty's errors and never the routing key", async () => {
    const err = await createPagerDutyApi({ eventsUrl: `${pd.url}/` }).send({ ...event('U-2'), payload: { summary: '', source: 'firebreak', severity: 'critical' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'PagerDutyEventRefused', nonRetryable: true });
    expect((err as Error).message).toMatch(/payload\.summary' is missing or blank/);
    expect((err as Error).message).not.toContain(routingKey);
  });

  it('turns a 429 into a retryable failure that waits the documented 30 s, and a 5xx into a plain retryable one', async () => {
    pd.failNext(429);
    const limited = (await createPagerDutyApi({ eventsUrl: pd.url }).send(event('U-3')).catch((e: unknown) => e)) as ApplicationFailure;
    expect(limited).toMatchObject({ type: 'PagerDutyRateLimited', nonRetryable: false, nextRetryDelay: PAGERDUTY_RATE_LIMIT_WAIT_MS });
    pd.failNext(503);
    const down = (await createPagerDutyApi({ eventsUrl: pd.url }).send(event('U-4')).catch((e: unknown) => e)) as ApplicationFailure;
    expect(down).toMatchObject({ type: 'PagerDutyUnavailable', nonRetryable: false });
    expect(down.nextRetryDelay).toBeUndefined();
  });

  it('answers 429 once a routing key goes over its rate, and keeps other keys going', async () => {
    pd.setRateLimit(2);
    const api = createPagerDutyApi({ eventsUrl: pd.url });
    const other = 'OTHERKEY0123456789abcdef01234567';
    await api.send({ ...event('R-1'), routing_key: other });
    await api.send({ ...event('R-2'), routing_key: other });
    await expect(api.send({ ...event('R-3'), routing_key: other })).rejects.toMatchObject({ type: 'PagerDutyRateLimited' });
    pd.setRateLimit(120);
    expect(pd.accepted({ routingKey: other })).toHaveLength(2);
  });
});
