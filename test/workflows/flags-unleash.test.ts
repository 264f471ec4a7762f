import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnleashProvider } from '../../activities/flags/index.js';
import { getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { verifyAuditChain } from '../../db/audit.js';
import { flagSnapshots } from '../../db/schema/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { bob, carol, dave, declareOn, decide, flagAudits, flagUpdate, listFlags, refusal, rollback, rollbackRow, timelineTexts } from '../helpers/flags.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';
import { startUnleash, type UnleashServer } from '../helpers/unleash.js';
import { startPrometheusStandIn, type PrometheusStandIn } from '../standins/prometheus.js';
import { testLogger } from '../helpers/test-log.js';

// Real unleash-server 7.5 on its own database; payments' flags live in project `default`,
// environment `development` (test/fixtures/policy.yaml). smart-retries is never created in Unleash,
// which makes it the missing flag of the saga test.
let unleash: UnleashServer;
let prometheus: PrometheusStandIn;
let system: TestSystem;

beforeAll(async () => {
  unleash = await startUnleash();
  testLogger('info').info({ bootMs: unleash.bootMs }, 'unleash-server booted and migrated');
  prometheus = await startPrometheusStandIn();
  await unleash.createFlag('default', 'new-checkout');
  system = await startTestSystem({ flagProviders: { unleash: createUnleashProvider({ url: unleash.url, adminToken: unleash.adminToken }) }, prometheusUrl: prometheus.url });
});
afterAll(async () => {
  await system?.stop();
  await prometheus?.stop();
  await unleash?.stop();
});

interface UnleashEvent {
  id: number;
  type: string;
  createdBy: string;
  environment: string | null;
  data: { title?: string } | null;
}

async function events(flag: string): Promise<UnleashEvent[]> {
  return (await unleash.api<{ events: UnleashEvent[] }>('GET', `/api/admin/events/${flag}`)).events.sort((a, b) => a.id - b.id);
}

/** new-checkout goes on "just before" the incident: the change a rollback undoes. */
async function turnedOnJustBefore(): Promise<void> {
  if (await unleash.isEnabled('default', 'new-checkout', 'development')) await unleash.toggle('default', 'new-checkout', 'development', false);
  await unleash.toggle('default', 'new-checkout', 'development', true);
  // Part of the scenario: the toggle's event time must lie strictly before the declaration's.
  await new Promise((r) => setTimeout(r, 20));
}

describe('flag rollback against a real Unleash', () => {
  it('snapshots at declaration, turns the flag off with an annotation, verifies the error rate and restores it', async () => {
    await turnedOnJustBefore();
    const incident = await declareOn(system, ['payments']);
    const snapshot = await eventually(async () => (await timelineTexts(system, incident)).find((t) => t.startsWith('Flags at declaration')), 10_000, 'snapshot');
    expect(snapshot).toMatch(/new-checkout \(unleash default\/development\): on; last turned on by firebreak \d+s before/);
    const [row] = await system.database.db.select().from(flagSnapshots).where(eq(flagSnapshots.incidentKey, incident));
    expect(row).toMatchObject({ flag: 'new-checkout', environment: 'development', enabled: true });

    // bob is in a team but neither commands this incident nor is in sre; dave is in no team at all.
    expect(await refusal(rollback(system, incident, { actor: dave, flags: ['new-checkout'], reason: 'x' }))).toMatch(/^slack:U0DAVE is not in any team of the policy/);
    expect(await refusal(rollback(system, incident, { actor: bob, flags: ['new-checkout'], reason: 'x' }))).toBe(
      `Only the incident commander or a member of team sre may roll back feature flags in ${incident}.`,
    );
    const cutoff = Date.now() / 1000 + 1;
    prometheus.setValue((t) => (t < cutoff ? 0.2 : 0.01));
    const result = await rollback(system, incident, { actor: carol, flags: ['new-checkout'], reason: 'checkout 502s since the flag went on' });
    expect(result).toMatchObject({ ok: true, flags: [{ flag: 'new-checkout', environment: 'development', status: 'rolled back' }] });
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(false);
    const log = await events('new-checkout');
    const off = log.findLastIndex((e) => e.type === 'feature-environment-disabled' && e.environment === 'development');
    expect(log[off]!.createdBy).toBe('firebreak');
    expect(log[off - 1]).toMatchObject({ type: 'feature-link-added', data: { title: `Firebreak ${incident} by carol: checkout 502s since the flag went on` } });

    expect((await flagAudits(system, incident)).map((a) => a.action)).toEqual(['flag.rollback']);
    expect((await flagAudits(system, incident))[0]!.details).toMatchObject({ from: true, to: false, changed: true, flag: { flag: 'new-checkout', environment: 'development' } });
    expect(await rollbackRow(system, incident, 'new-checkout')).toMatchObject({ status: 'rolled back', previousEnabled: true, targetEnabled: false, changed: true, requestedBy: { id: carol.id } });
    expect((await getIncidentView(system, incident)).flagChanges).toEqual([expect.objectContaining({ id: 'new-checkout@development', status: 'rolled back' })]);
    const listing = await listFlags(system, incident, carol);
    expect(listing).toEqual([
      expect.objectContaining({ flag: 'new-checkout', atDeclaration: true, now: false, status: 'rolled back' }),
      expect.objectContaining({ flag: 'smart-retries', error: expect.stringMatching(/^unleash has no flag "smart-retries"/) }),
    ]);

    await eventually(async () => (await timelineTexts(system, incident)).some((t) => t === 'After rolling back new-checkout: error rate improved: 0.2 → 0.01.'), 15_000, 'verification');
    expect(prometheus.queries.map((q) => q.query)).toContain('sum(rate(http_requests_total{service="payments",code=~"5.."}[1m]))');

    const restored = await flagUpdate(system, incident, msg.restoreFlagUpdate, { actor: carol, flag: 'new-checkout' });
    expect(restored).toMatchObject({ ok: true, text: 'Restored new-checkout in development to on.' });
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(true);
    expect((await flagAudits(system, incident)).map((a) => a.action)).toEqual(['flag.rollback', 'flag.restore']);
    expect(await rollbackRow(system, incident, 'new-checkout')).toMatchObject({ status: 'restored' });
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });

  it('runs several flags as a saga: when the second fails, the first is restored and the timeline says so', async () => {
    await turnedOnJustBefore();
    const incident = await declareOn(system, ['payments']);
    const result = await rollback(system, incident, { actor: carol, flags: ['new-checkout', 'smart-retries'], reason: 'both suspicious' });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/^Rollback of smart-retries in development failed: unleash has no flag "smart-retries".*new-checkout was restored\.$/s);
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(true);
    const texts = await timelineTexts(system, incident);
    expect(texts).toContain('Restored new-checkout in development to on because smart-retries could not be rolled back.');
    expect((await flagAudits(system, incident)).map((a) => a.action)).toEqual(['flag.rollback', 'flag.rollback_failed', 'flag.compensate']);
    expect(await rollbackRow(system, incident, 'new-checkout')).toMatchObject({ status: 'restored' });
    const view = await getIncidentView(system, incident);
    expect(view.flagChanges.map((c) => [c.id, c.status])).toEqual([
      ['new-checkout@development', 'restored'],
      ['smart-retries@development', 'failed'],
    ]);
    const titles = (await events('new-checkout')).filter((e) => e.type === 'feature-link-added').map((e) => e.data?.title);
    expect(titles).toContain(`Firebreak ${incident} by carol: saga compensation: smart-retries could not be rolled back`);
  });

  it('asks on resolve whether to keep or restore, and re-enables nothing by itself', async () => {
    await turnedOnJustBefore();
    const incident = await declareOn(system, ['payments']);
    await rollback(system, incident, { actor: carol, flags: ['new-checkout'], reason: 'stop the bleeding' });
    await runIncidentUpdate(system, incident, msg.resolveUpdate, { actor: carol, text: 'fixed forward' });
    const question = await eventually(async () => (await timelineTexts(system, incident)).find((t) => t.startsWith('Keep or restore')), 10_000, 'question');
    expect(question).toMatch(/^Keep or restore new-checkout@development\?/);
    expect((await getIncidentView(system, incident)).flagChanges).toEqual([expect.objectContaining({ status: 'awaiting decision' })]);
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(false);
    expect(await refusal(decide(system, incident, { actor: bob, flag: 'new-checkout', decision: 'keep' }))).toMatch(/^Only the incident commander or a member of team sre/);

    const kept = await decide(system, incident, { actor: carol, flag: 'new-checkout', decision: 'keep' });
    expect(kept).toMatchObject({ ok: true, text: 'carol decided to keep new-checkout in development off.' });
    expect(await unleash.isEnabled('default', 'new-checkout', 'development')).toBe(false);
    expect((await flagAudits(system, incident)).map((a) => a.action)).toEqual(['flag.rollback', 'flag.keep']);
    expect(await rollbackRow(system, incident, 'new-checkout')).toMatchObject({ status: 'kept' });
    expect(await refusal(decide(system, incident, { actor: carol, flag: 'new-checkout', decision: 'keep' }))).toMatch(/has no rollback to decide on .*\(it is kept\)/);
  });
});
