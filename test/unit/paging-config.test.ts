import { describe, expect, it } from 'vitest';
import { ConfigError, readPagerDuty } from '../../platform/config/index.js';

describe('PagerDuty configuration', () => {
  it("sends to PagerDuty's Events API unless PAGERDUTY_EVENTS_URL says otherwise", () => {
    expect(readPagerDuty({}).eventsUrl).toBe('https://events.pagerduty.com');
    expect(readPagerDuty({ PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9999/' }).eventsUrl).toBe('http://127.0.0.1:9999');
    expect(() => readPagerDuty({ PAGERDUTY_EVENTS_URL: 'ftp://x' })).toThrow(ConfigError);
  });

  it('reads the routing key from the variable the policy names, blank as unset, as the process started', () => {
    const env: Record<string, string | undefined> = { PD_PAYMENTS: ' R0KEY ', PD_SEARCH: '' };
    const config = readPagerDuty(env);
    env.PD_PAYMENTS = 'changed later';
    expect(config.routingKey('PD_PAYMENTS')).toBe('R0KEY');
    expect(config.routingKey('PD_SEARCH')).toBeUndefined();
    expect(config.routingKey('PD_NONE')).toBeUndefined();
  });
});
