// The generic webhook pager end to end on a real worker, Temporal and Postgres, with the receiver a
// stand-in that verifies the signature the way a real one would: a SEV1 declaration triggers (and
// PagerDuty too, for the services both cover), taking command acknowledges, resolving resolves, each
// once; the `page` command and `page @team` go through it; a 503 and a 429 are retried into one
// accepted event; another 4xx is not retried; a webhook restricted to some services pages no others.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentUpdate } from '../../bots/workflow-client.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, sleep, startPagingEnv, type PagingEnv } from '../helpers/paging.js';
import { alice, carol, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';
import { timelineNotes } from '../helpers/timeline.js';

let env: PagingEnv;
beforeAll(async () => {
  env = await startPagingEnv({ webhook: true });
});
afterAll(async () => {
  await env?.stop();
});

const hook = () => env.hook!;
const ofIncident = (key: string) => hook().calls.filter((c) => c.body?.incident === key);

const notes = (incident: string) => timelineNotes(env.system.database.db, incident);

describe('the webhook pager', () => {
  it('sends a signed trigger, acknowledge and resolve, each once, beside PagerDuty', async () => {
    const key = await declare(env.system, 'SEV1', 'Checkout returns 502');
    const trigger = await eventually(async () => hook().accepted({ dedupKey: key, action: 'trigger' })[0], 20_000, 'webhook trigger');
    expect(trigger).toEqual({
      version: 1,
      action: 'trigger',
      dedup_key: key,
      incident: key,
      service: 'payments',
      severity: 'SEV1',
      summary: `[SEV1] ${key}: Checkout returns 502`,
      links: expect.any(Array),
      sent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const call = ofIncident(key)[0]!;
    expect(call.headers['x-firebreak-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(call.headers['x-firebreak-timestamp']).toMatch(/^\d{10}$/);
    await eventually(async () => env.pd.accepted({ dedupKey: key, action: 'trigger' }).length === 1, 20_000, 'PagerDuty trigger too');

    await runIncidentUpdate(env.system, key, msg.acknowledgeUpdate, { actor: carol });
    await eventually(async () => hook().accepted({ dedupKey: key, action: 'acknowledge' }).length === 1, 20_000, 'acknowledge');
    await runIncidentUpdate(env.system, key, msg.resolveUpdate, { actor: carol, text: 'fixed' });
    await eventually(async () => hook().accepted({ dedupKey: key, action: 'resolve' }).length === 1, 20_000, 'resolve');
    await sleep(1000);
    expect(ofIncident(key).map((c) => [c.body!.action, c.status])).toEqual([
      ['trigger', 202],
      ['acknowledge', 202],
      ['resolve', 202],
    ]);
  });

  it('retries a 503 and a 429 into one accepted trigger, and does not retry a 422', async () => {
    const retried = 'Ledger sync stalls (receiver flaky)';
    hook().failNext(503, { when: (b) => String(b.summary).endsWith(retried) });
    hook().failNext(429, { when: (b) => String(b.summary).endsWith(retried), retryAfter: 1 });
    const key = await declare(env.system, 'SEV2', retried);
    await eventually(async () => hook().accepted({ dedupKey: key, action: 'trigger' }).length === 1, 30_000, 'trigger after 503 and 429');
    await sleep(1500);
    expect(ofIncident(key).map((c) => c.status)).toEqual([503, 429, 202]);

    const refused = 'Ledger export refused by the receiver';
    hook().failNext(422, { when: (b) => String(b.summary).endsWith(refused) });
    const other = await declare(env.system, 'SEV1', refused);
    await eventually(async () => ofIncident(other).length === 1, 20_000, 'the refused trigger');
    await eventually(async () => env.logLines.some((l) => l.includes(other) && l.includes('The paging webhook refused the trigger event with 422')), 20_000, 'log line');
    await sleep(3000);
    expect(ofIncident(other).map((c) => c.status)).toEqual([422]);
  });

  it('pages a service and a team from the command, with dedup keys of their own', async () => {
    const key = await declare(env.system, 'SEV3', 'Refunds stuck', ['search']);
    expect(await say(env.system, key, alice, 'page payments Database down')).toMatchObject({ ok: true, text: `Paging payments for ${key}.` });
    const page = await eventually(async () => hook().accepted({ incident: key, action: 'trigger' })[0], 20_000, 'service page');
    expect(page).toMatchObject({ service: 'payments', dedup_key: expect.stringMatching(new RegExp(`^${key}:page:\\d+$`)), summary: `[SEV3] ${key}: Refunds stuck (paged by alice: Database down)` });
    expect(await notes(key)).toContain('Paged payments through PagerDuty and the webhook pager: Database down');

    // search is owned by the search and sre teams; @sre pages it, @payments pages payments.
    expect(await say(env.system, key, carol, 'page @sre index corrupt')).toEqual({ ok: true, text: `Paging team sre (search) for ${key}.`, incident: key });
    await eventually(async () => hook().accepted({ incident: key, action: 'trigger' }).some((b) => b.service === 'search'), 20_000, 'team page');
    expect(await notes(key)).toContain('Paged search (team sre) through PagerDuty and the webhook pager: index corrupt');
    const keys = hook().accepted({ incident: key, action: 'trigger' }).map((b) => b.dedup_key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('a webhook restricted to some services', () => {
  let only: PagingEnv;
  beforeAll(async () => {
    only = await startPagingEnv({ webhook: true, policy: (p) => void (p.paging!.webhook!.services = ['search']) });
  });
  afterAll(async () => {
    await only?.stop();
  });

  it('pages only those services through the webhook, the others through PagerDuty alone', async () => {
    const key = await declare(only.system, 'SEV1', 'Both down', ['payments', 'search']);
    await eventually(async () => only.pd.accepted({ dedupKey: key, action: 'trigger' }).length === 2, 20_000, 'PagerDuty triggers');
    await eventually(async () => only.hook!.accepted({ dedupKey: key, action: 'trigger' }).length === 1, 20_000, 'webhook trigger');
    await sleep(1000);
    expect(only.hook!.accepted({ incident: key }).map((b) => b.service)).toEqual(['search']);
  });
});
