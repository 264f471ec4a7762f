// Paging end to end on a real worker, Temporal and Postgres, with only PagerDuty replaced by its
// stand-in: a SEV1 declaration triggers, the commander taking command acknowledges, resolving
// resolves, each exactly once; a SEV3 pages nobody; a 429 is waited out and retried into one
// accepted trigger; a 400 is not retried; `page payments …` from the command path pages payments.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentUpdate } from '../../bots/workflow-client.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, PAYMENTS_KEY, sleep, startPagingEnv, type PagingEnv } from '../helpers/paging.js';
import { alice, carol, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';
import { timelineNotes } from '../helpers/timeline.js';

let env: PagingEnv;
beforeAll(async () => {
  env = await startPagingEnv();
});
afterAll(async () => {
  await env?.stop();
});

const accepted = (dedupKey: string, action?: string) => env.pd.accepted({ dedupKey, ...(action ? { action } : {}) });
const callsFor = (dedupKey: string) => env.pd.calls.filter((c) => c.body.dedup_key === dedupKey);

const notes = (incident: string) => timelineNotes(env.system.database.db, incident);

describe('automatic paging from the incident', () => {
  it('triggers on a SEV1 declaration, acknowledges when the commander takes command, resolves on resolution, each once', async () => {
    const key = await declare(env.system, 'SEV1', 'Checkout returns 502');
    const [trigger] = await eventually(async () => (accepted(key, 'trigger').length ? accepted(key, 'trigger') : undefined), 20_000, 'trigger');
    expect(trigger).toMatchObject({
      routing_key: PAYMENTS_KEY,
      event_action: 'trigger',
      dedup_key: key,
      payload: { summary: `[SEV1] ${key}: Checkout returns 502`, source: 'firebreak', severity: 'critical' },
    });

    await runIncidentUpdate(env.system, key, msg.acknowledgeUpdate, { actor: carol });
    await eventually(async () => accepted(key, 'acknowledge').length === 1, 20_000, 'acknowledge');
    // Later events of a commanded incident (a note, a second role) acknowledge nothing more.
    await runIncidentUpdate(env.system, key, msg.addNoteUpdate, { actor: alice, text: 'rolling back' });
    await runIncidentUpdate(env.system, key, msg.resolveUpdate, { actor: carol, text: 'fixed' });
    await eventually(async () => accepted(key, 'resolve').length === 1, 20_000, 'resolve');
    await sleep(1000);
    expect(callsFor(key).map((c) => [c.body.event_action, c.status])).toEqual([
      ['trigger', 202],
      ['acknowledge', 202],
      ['resolve', 202],
    ]);
    expect(accepted(key, 'resolve')[0]).toEqual({ routing_key: PAYMENTS_KEY, event_action: 'resolve', dedup_key: key });
    // The timeline tells of the automatic page as it goes: paging, acknowledged, resolved, each once.
    expect(await notes(key)).toEqual(['Paging payments (SEV1 pages on declaration)', `Page acknowledged: ${carol.name ?? carol.id} took command`, 'rolling back', 'Pages resolved']);
  });

  it('acknowledges when someone is made commander, as when they acknowledge', async () => {
    const key = await declare(env.system, 'SEV2', 'Card refunds fail');
    await eventually(async () => accepted(key, 'trigger').length === 1, 20_000, 'trigger');
    await runIncidentUpdate(env.system, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
    await eventually(async () => accepted(key, 'acknowledge').length === 1, 20_000, 'acknowledge');
  });

  it('pages nobody for a SEV3, before or after it is acknowledged and resolved', async () => {
    const key = await declare(env.system, 'SEV3', 'Search is a little slow');
    await runIncidentUpdate(env.system, key, msg.acknowledgeUpdate, { actor: carol });
    await runIncidentUpdate(env.system, key, msg.resolveUpdate, { actor: carol });
    await eventually(async () => env.system.notices.some((n) => n.incident === key && n.view.phase === 'resolved'), 20_000, 'resolved notice');
    await sleep(1000);
    expect(callsFor(key)).toEqual([]);
    expect(await notes(key)).toEqual([]);
  });

  it('waits out a 429 and sends the trigger again: exactly one accepted', async () => {
    const title = 'Payments API times out (rate limited)';
    env.pd.failNext(429, { when: (b) => (b.payload as { summary?: string } | undefined)?.summary?.endsWith(title) ?? false });
    const key = await declare(env.system, 'SEV2', title);
    await eventually(async () => accepted(key, 'trigger').length === 1, 30_000, 'trigger after the 429');
    await sleep(1500);
    expect(callsFor(key).map((c) => c.status)).toEqual([429, 202]);
    expect(accepted(key, 'trigger')[0]).toMatchObject({ payload: { severity: 'error' } });
  });

  it('does not retry an event PagerDuty refuses (400), and logs it', async () => {
    const title = 'Ledger export refused';
    env.pd.failNext(400, { when: (b) => (b.payload as { summary?: string } | undefined)?.summary?.endsWith(title) ?? false });
    const key = await declare(env.system, 'SEV1', title);
    await eventually(async () => callsFor(key).length === 1, 20_000, 'the refused trigger');
    await eventually(async () => env.logLines.some((l) => l.includes(key) && l.includes('incident notice not delivered') && l.includes('PagerDuty refused the trigger event')), 20_000, 'log line');
    await sleep(3000);
    expect(callsFor(key).map((c) => c.status)).toEqual([400]);
  });
});

describe('page SERVICE [REASON…]', () => {
  it("triggers for the service's routing key with a dedup key of its own, on the timeline, resolved with the incident", async () => {
    const key = await declare(env.system, 'SEV3', 'Refunds stuck', ['search']);
    const reply = await say(env.system, key, alice, 'page payments Database down');
    expect(reply).toMatchObject({ ok: true, text: `Paging payments for ${key}.` });
    const dedupKey = await eventually(async () => env.pd.accepted({ routingKey: PAYMENTS_KEY }).find((b) => String(b.dedup_key).startsWith(`${key}:page:`))?.dedup_key as string | undefined, 20_000, 'page');
    expect(accepted(dedupKey, 'trigger')).toEqual([
      expect.objectContaining({
        routing_key: PAYMENTS_KEY,
        payload: expect.objectContaining({ summary: `[SEV3] ${key}: Refunds stuck (paged by alice: Database down)`, severity: 'warning' }),
      }),
    ]);
    expect(await notes(key)).toContain('Paged payments through PagerDuty: Database down');
    // A retried request (same request key) pages no one twice.
    await say(env.system, key, alice, 'page payments Database down', 'same-request');
    await say(env.system, key, alice, 'page payments Database down', 'same-request');
    await eventually(async () => env.pd.accepted({ routingKey: PAYMENTS_KEY }).filter((b) => String(b.dedup_key).startsWith(`${key}:page:`)).length === 2, 20_000, 'second page');

    await runIncidentUpdate(env.system, key, msg.resolveUpdate, { actor: carol });
    await eventually(async () => accepted(dedupKey, 'resolve').length === 1, 20_000, 'resolve of the page');
    await sleep(1000);
    expect(env.pd.accepted({ routingKey: PAYMENTS_KEY }).filter((b) => String(b.dedup_key).startsWith(`${key}:page:`)).length).toBe(4);
    expect(callsFor(key)).toEqual([]);
  });

  it('puts a refused page on the timeline without retrying it, and refuses a service that does not page', async () => {
    const key = await declare(env.system, 'SEV3', 'Emails delayed', ['search']);
    env.pd.failNext(400, { when: (b) => String(b.dedup_key).startsWith(`${key}:page:`) });
    await say(env.system, key, alice, 'page payments mail queue stuck');
    await eventually(async () => (await notes(key)).some((t) => t.startsWith('The page to payments did not reach PagerDuty: PagerDuty refused the trigger event')), 20_000, 'failure note');
    await sleep(2000);
    expect(env.pd.calls.filter((c) => String(c.body.dedup_key).startsWith(`${key}:page:`)).map((c) => c.status)).toEqual([400]);

    const unknown = await say(env.system, key, alice, 'page billing help');
    expect(unknown).toEqual({ ok: false, text: 'billing does not page; page one of payments, search.' });
  });
});
