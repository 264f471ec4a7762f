// Paging under attack or by accident: a guest's `page` leaves no trace outside (no call at the
// PagerDuty stand-in) and none inside (no timeline row); secrets and e-mail addresses in a title or
// a reason reach PagerDuty redacted; the routing keys never appear in logs, timeline or step records.

import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processedRequests, timelineEvents } from '../../db/schema/index.js';
import { declare, PAYMENTS_KEY, SEARCH_KEY, sleep, startPagingEnv, type PagingEnv } from '../helpers/paging.js';
import { alice, guest, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';

let env: PagingEnv;
beforeAll(async () => {
  env = await startPagingEnv();
});
afterAll(async () => {
  await env?.stop();
});

const ofIncident = (key: string) => env.pd.calls.filter((c) => String(c.body.dedup_key).startsWith(key) && /^(:|$)/.test(String(c.body.dedup_key).slice(key.length)));
const timeline = async (key: string) =>
  (await env.system.database.db.select({ text: timelineEvents.text }).from(timelineEvents).where(eq(timelineEvents.incidentKey, key))).map((r) => r.text);

describe('a guest pages', () => {
  it('is refused by the decision point: no call at PagerDuty and no timeline row', async () => {
    const key = await declare(env.system, 'SEV3', 'Invoices render blank');
    const reply = await say(env.system, key, guest, 'page payments wake everyone up');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/is not in any team of the policy, so Firebreak does not let them page people \(PagerDuty or the webhook pager\)/);
    // A witness instead of a pause: alice's page goes through the same serial queue after the
    // guest's, so once hers has reached PagerDuty anything the guest's had set off would be there too.
    expect((await say(env.system, key, alice, 'page payments witness')).ok).toBe(true);
    await eventually(async () => ofIncident(key).some((c) => c.status === 202) || undefined, 20_000, "alice's page");
    expect(ofIncident(key).map((c) => JSON.stringify(c.body))).toEqual([expect.stringContaining('witness')]);
    expect((await timeline(key)).filter((t) => /page/i.test(t))).toEqual([expect.stringContaining('witness')]);
  });
});

describe('what reaches PagerDuty', () => {
  const email = 'jane.doe@example.com';
  const awsKey = 'AKIAIOSFODNN7EXAMPLE';

  it('carries the title and the reason redacted', async () => {
    const key = await declare(env.system, 'SEV1', `Checkout down for ${email} using ${awsKey}`);
    const trigger = await eventually(async () => env.pd.accepted({ dedupKey: key, action: 'trigger' })[0], 20_000, 'trigger');
    const summary = (trigger.payload as { summary: string }).summary;
    expect(summary).toMatch(new RegExp(`^\\[SEV1\\] ${key}: Checkout down for `));
    expect(summary).not.toContain(email);
    expect(summary).not.toContain(awsKey);

    await say(env.system, key, alice, `page search ask ${email} about ${awsKey}`);
    const page = await eventually(async () => ofIncident(key).find((c) => c.status === 202 && String(c.body.dedup_key).startsWith(`${key}:page:`)), 20_000, 'page');
    const pageText = JSON.stringify(page.body);
    expect(page.body.routing_key).toBe(SEARCH_KEY);
    expect(pageText).not.toContain(email);
    expect(pageText).not.toContain(awsKey);
    expect((await timeline(key)).join('\n')).not.toContain(email);
  });

  it('never writes a routing key to logs, the timeline or the step records', async () => {
    const key = await declare(env.system, 'SEV2', 'Search index stale', ['payments', 'search']);
    await eventually(async () => env.pd.accepted({ dedupKey: key, action: 'trigger' }).length === 2, 20_000, 'both triggers');
    await say(env.system, key, alice, 'page payments still stale');
    await eventually(async () => ofIncident(key).length === 3, 20_000, 'the page');
    expect(env.pd.accepted({ dedupKey: key }).map((b) => b.routing_key).sort()).toEqual([PAYMENTS_KEY, SEARCH_KEY].sort());
    await sleep(500);
    const logs = env.logLines.join('\n');
    expect(logs).toContain(key);
    for (const secret of [PAYMENTS_KEY, SEARCH_KEY]) {
      expect(logs).not.toContain(secret);
      expect((await timeline(key)).join('\n')).not.toContain(secret);
      const steps = await env.system.database.db
        .select({ key: processedRequests.key, result: processedRequests.result })
        .from(processedRequests)
        .where(sql`starts_with(${processedRequests.key}, ${`pagerduty:trigger:${key}:`})`);
      expect(steps.length).toBe(3);
      expect(JSON.stringify(steps)).not.toContain(secret);
    }
  });
});
