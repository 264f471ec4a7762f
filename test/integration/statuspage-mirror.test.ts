// The external status page mirror on real Temporal and Postgres against the Atlassian Statuspage
// stand-in: each public update reaches the provider once, in order, however often a call fails
// first; a refusal no retry can fix lands on the timeline; a refused public update sends nothing.

import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicUpdateMirrors } from '../../db/schema/index.js';
import type { StatusPageCall } from '../standins/atlassian-statuspage.js';
import { alice, carol, guest, incidentWithComms, MIRROR_API_KEY, MIRROR_PAGE_ID, say, startMirrorEnv, type MirrorEnv } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';
import { timelineNotes } from '../helpers/timeline.js';

let env: MirrorEnv;
beforeAll(async () => {
  env = await startMirrorEnv();
});
afterAll(async () => {
  await env?.stop();
});

const db = () => env.system.database.db;

async function mirrorRows(incident: string) {
  return db().select().from(publicUpdateMirrors).where(eq(publicUpdateMirrors.incidentKey, incident)).orderBy(asc(publicUpdateMirrors.sequence));
}

const notes = (incident: string) => timelineNotes(db(), incident);

/** Calls whose body carries this test's marker text, so other tests' calls do not count. */
const callsWith = (marker: string): StatusPageCall[] => env.remote.calls.filter((c) => String(c.body.incident?.body ?? '').includes(marker));

describe('status page mirror', () => {
  it('mirrors open, update and resolve once each, in order, through a 500 and a 429', async () => {
    const incident = await incidentWithComms(env.system);
    const marker = `[${incident}]`;
    env.remote.failNext(500, { when: (c) => c.method === 'POST' && String(c.body.incident?.body).includes(marker) });
    env.remote.failNext(429, { when: (c) => c.method === 'PATCH' && String(c.body.incident?.body).includes(marker) });

    await say(env.system, incident, alice, `statuspage open component:Checkout status:major Card payments fail ${marker}`);
    await say(env.system, incident, carol, `statuspage update component:Checkout status:operational A fix is out; we are watching ${marker}`);
    await say(env.system, incident, alice, `statuspage resolve Payments work normally again ${marker}`);

    const rows = await eventually(async () => {
      const found = await mirrorRows(incident);
      return found.length === 3 ? found : undefined;
    }, 30_000, 'three mirrored updates');
    const remoteId = rows[0]!.remoteIncidentId;
    expect(rows.map((r) => [r.sequence, r.provider, r.remoteIncidentId])).toEqual([
      [1, 'atlassian', remoteId],
      [2, 'atlassian', remoteId],
      [3, 'atlassian', remoteId],
    ]);
    expect(callsWith(marker).map((c) => [c.method, c.status])).toEqual([
      ['POST', 500],
      ['POST', 201],
      ['PATCH', 429],
      ['PATCH', 200],
      ['PATCH', 200],
    ]);
    const created = callsWith(marker)[1]!;
    expect(created.path).toBe(`/v1/pages/${MIRROR_PAGE_ID}/incidents`);
    expect(created.body.incident).toEqual({
      name: 'Incident affecting Checkout',
      status: 'investigating',
      body: `Card payments fail ${marker}`,
      components: { cmpcheckout01: 'major_outage' },
      component_ids: ['cmpcheckout01'],
    });
    expect(callsWith(marker)[3]!.body.incident).toMatchObject({ status: 'monitoring', components: { cmpcheckout01: 'operational' } });
    expect(callsWith(marker)[4]!.path).toBe(`/v1/pages/${MIRROR_PAGE_ID}/incidents/${remoteId}`);
    expect(env.remote.incidents.get(remoteId)).toMatchObject({ status: 'resolved', components: { cmpcheckout01: 'operational' } });
    expect(env.remote.incidents.get(remoteId)!.updates).toHaveLength(3);

    // A retried activity finds its row and sends nothing again.
    const before = env.remote.calls.length;
    expect(await env.mirror.mirrorPublicUpdate({ incident, sequence: 1 })).toEqual({ remoteIncidentId: remoteId, sent: false });
    expect(await env.mirror.mirrorPublicUpdate({ incident, sequence: 3 })).toEqual({ remoteIncidentId: remoteId, sent: false });
    expect(env.remote.calls.length).toBe(before);
    expect((await notes(incident)).filter((n) => n.includes('external status page'))).toEqual([]);
  });

  it('puts a refused key on the timeline once and does not retry it', async () => {
    const incident = await incidentWithComms(env.system);
    const marker = `[${incident}]`;
    env.remote.failNext(401, { when: (c) => String(c.body.incident?.body).includes(marker) });
    await say(env.system, incident, alice, `statuspage open component:Search status:degraded Search is slow ${marker}`);

    const note = await eventually(async () => (await notes(incident)).find((n) => n.includes('did not reach the external status page')), 20_000, 'refusal note');
    expect(note).toBe('Public update 1 did not reach the external status page: Atlassian Statuspage refused the incident create (401: Could not authenticate); check the API key in the variable statusPage.mirror.apiKeyEnv names.');
    expect(note).not.toContain(MIRROR_API_KEY);
    expect(callsWith(marker).map((c) => c.status)).toEqual([401]);
    expect(await mirrorRows(incident)).toEqual([]);
    // Still one call a while later: a non-retryable failure is not scheduled again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(callsWith(marker)).toHaveLength(1);
  });

  it("sends nothing for a guest's public update, which the decision point refuses", async () => {
    const incident = await incidentWithComms(env.system);
    const marker = `[${incident}]`;
    const refused = await say(env.system, incident, guest, `statuspage open component:Checkout status:major A guest speaks ${marker}`);
    expect(refused.ok).toBe(false);
    // The comms lead's update goes out after it; the guest's would have gone first.
    await say(env.system, incident, alice, `statuspage open component:Checkout status:partial Some payments fail ${marker}`);
    const rows = await eventually(async () => {
      const found = await mirrorRows(incident);
      return found.length === 1 ? found : undefined;
    }, 20_000, 'the comms lead’s update mirrored');
    expect(rows[0]!.sequence).toBe(1);
    expect(callsWith(marker).map((c) => [c.method, c.status, c.body.incident?.body])).toEqual([['POST', 201, `Some payments fail ${marker}`]]);
    expect(env.remote.calls.some((c) => String(c.body.incident?.body).includes('A guest speaks'))).toBe(false);
  });
});
