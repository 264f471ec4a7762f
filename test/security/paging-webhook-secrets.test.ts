// The webhook pager under attack or by accident: a guest's `page @team` leaves no trace outside (no
// call at the webhook receiver or PagerDuty) and none inside (no timeline row);
// e-mail addresses and keys in a title or a reason reach the receiver redacted; the webhook's
// signing secret and URL variable values never appear in the body, logs, timeline or step records.

import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processedRequests, timelineEvents } from '../../db/schema/index.js';
import { declare, sleep, startPagingEnv, type PagingEnv } from '../helpers/paging.js';
import { alice, guest, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';

let env: PagingEnv;
beforeAll(async () => {
  env = await startPagingEnv({ webhook: true, policy: (p) => void (p.paging!.ackWithin = { SEV3: 1 }) });
});
afterAll(async () => {
  await env?.stop();
});

const hookCalls = (key: string) => env.hook!.calls.filter((c) => c.raw.includes(`"${key}`));
const timeline = async (key: string) =>
  (await env.system.database.db.select({ text: timelineEvents.text }).from(timelineEvents).where(eq(timelineEvents.incidentKey, key))).map((r) => r.text);

describe('a guest pages a team', () => {
  it('is refused by the decision point: no webhook call, no PagerDuty call, no timeline row', async () => {
    const key = await declare(env.system, 'SEV3', 'Invoices render blank');
    const reply = await say(env.system, key, guest, 'page @payments wake everyone up');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/is not in any team of the policy/);
    // A witness instead of a pause: alice's page goes through the same serial queue after the
    // guest's, so once hers has reached the receiver anything the guest's had set off would be there too.
    expect((await say(env.system, key, alice, 'page @payments witness')).ok).toBe(true);
    await eventually(async () => hookCalls(key).some((c) => c.raw.includes('witness')) || undefined, 20_000, "alice's page");
    expect(hookCalls(key).every((c) => c.raw.includes('witness'))).toBe(true);
    expect(env.pd.calls.filter((c) => String(c.body.dedup_key).startsWith(`${key}:`)).every((c) => JSON.stringify(c.body).includes('witness'))).toBe(true);
    expect((await timeline(key)).filter((t) => /page/i.test(t)).every((t) => t.includes('witness'))).toBe(true);
  });
});

describe('what reaches the webhook receiver', () => {
  const email = 'jane.doe@example.com';
  const awsKey = 'AKIAIOSFODNN7EXAMPLE';

  it('carries the title and the reason redacted, and never the signing secret', async () => {
    const key = await declare(env.system, 'SEV1', `Checkout down for ${email} using ${awsKey}`);
    await eventually(async () => env.hook!.accepted({ dedupKey: key, action: 'trigger' })[0], 20_000, 'trigger');
    await say(env.system, key, alice, `page @payments ask ${email} about ${awsKey}`);
    await eventually(async () => env.hook!.accepted({ incident: key, action: 'trigger' }).length === 2, 20_000, 'team page');
    const raw = hookCalls(key).map((c) => c.raw).join('\n');
    expect(raw).toContain('Checkout down for ');
    expect(raw).toContain('ask ');
    for (const secret of [email, awsKey, env.hook!.secret]) expect(raw).not.toContain(secret);
    expect((await timeline(key)).join('\n')).not.toContain(email);

    await sleep(500);
    const logs = env.logLines.join('\n');
    expect(logs).toContain(key);
    expect(logs).not.toContain(env.hook!.secret);
    expect((await timeline(key)).join('\n')).not.toContain(env.hook!.secret);
    const steps = await env.system.database.db
      .select({ key: processedRequests.key, result: processedRequests.result })
      .from(processedRequests)
      .where(sql`starts_with(${processedRequests.key}, ${`webhook:trigger:${key}:`})`);
    expect(steps.length).toBe(2);
    expect(JSON.stringify(steps)).not.toContain(env.hook!.secret);
    expect(JSON.stringify(steps)).not.toContain(env.hook!.url);
  });
});
