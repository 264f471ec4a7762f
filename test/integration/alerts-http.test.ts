// The generic HTTP alert source end to end over a real worker: a firing alert declares one
// incident for its routed service, re-sends add nothing, a resolution is written once followed by
// the "all resolved" note, and the incident stays open. A notify route declares nothing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertsSystem, UPTIME_TOKEN, type AlertsSystem } from '../helpers/alertmanager.js';
import { eventually } from '../helpers/system.js';

let s: AlertsSystem;
beforeAll(async () => {
  s = await startAlertsSystem();
});
afterAll(async () => {
  await s?.stop();
});

const post = (body: Record<string, unknown>) => s.post('/alerts/http/uptime', body, UPTIME_TOKEN);

async function settled(key: string, deliveries: number) {
  return eventually(async () => {
    const view = await s.group('uptime', key);
    // Notes are written before the next delivery is applied; the count says all were applied.
    return view && view.deliveries === deliveries ? view : undefined;
  });
}

describe('generic HTTP alerts', () => {
  it('declare once, note each change once and ask the commander on resolution', async () => {
    const key = `probe-${randomUUID()}`;
    const firing = { status: 'firing', title: 'CheckoutProbe', deduplication_key: key, description: 'mail ops@example.com', metadata: { service: s.service, severity: 'critical' } };
    expect(await post(firing)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect((await post(firing)).status).toBe(202);
    const view = await settled(key, 2);
    expect(view).toMatchObject({ route: { action: 'declare', service: s.service, severity: 'SEV2' }, attached: false, notes: 1 });
    const [incident, ...others] = await s.incidents();
    expect(others).toEqual([]);
    expect(incident).toMatchObject({ key: view.incident, severity: 'SEV2', title: 'Alert: CheckoutProbe', source: 'alerts', mitigatedAt: null, resolvedAt: null });
    const notes = await s.timeline(view.incident!, 'Alert CheckoutProbe%');
    expect(notes).toHaveLength(1);
    // Annotations are redacted before they reach the timeline.
    expect(notes[0]!.text).not.toContain('ops@example.com');

    expect((await post({ ...firing, status: 'resolved' })).status).toBe(202);
    expect((await post({ ...firing, status: 'resolved' })).status).toBe(202);
    await settled(key, 4);
    expect(await s.timeline(view.incident!, 'Alert CheckoutProbe resolved%')).toHaveLength(1);
    expect(await s.timeline(view.incident!, 'All 1 alert of this group are resolved%')).toHaveLength(1);
    // Nothing is mitigated or resolved automatically.
    expect(await s.incidents()).toEqual([expect.objectContaining({ key: view.incident, mitigatedAt: null, resolvedAt: null })]);
  });

  it('records a notify route without declaring', async () => {
    const key = `search-${randomUUID()}`;
    expect((await post({ status: 'firing', title: 'SlowQueries', deduplication_key: key, metadata: { team: 'search', env: 'prod' } })).status).toBe(202);
    const view = await settled(key, 1);
    const searchRoute = s.system.policy.alerts!.routes.findIndex((r) => r.service === 'search');
    expect(view).toMatchObject({ route: { route: searchRoute, action: 'notify', service: 'search' }, alerts: [{ fingerprint: key, status: 'firing' }] });
    expect(view.incident).toBeUndefined();
  });
});
