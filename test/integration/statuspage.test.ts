// The public status page end to end: `statuspage open`, `update` and `resolve` through the command
// path every front-end shares, into the incident workflow, the public tables and the timeline, and
// out again on /status, /status.json and /status.atom.

import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { timelineEvents } from '../../db/schema/index.js';
import type { StatusPageView } from '../../web/status/data.js';
import { cliEnv, runCli } from '../helpers/run-cli.js';
import { alice, assertWellFormedXml, carol, incidentWithComms, say, startStatusPageEnv, type StatusPageEnv } from '../helpers/statuspage.js';

let env: StatusPageEnv;
beforeAll(async () => {
  env = await startStatusPageEnv();
});
afterAll(async () => {
  await env?.stop();
});

describe('statuspage open → update → resolve', () => {
  it('writes the public incident and its updates, says so on the timeline and shows them on all three pages', async () => {
    const incident = await incidentWithComms(env.system);
    const opened = await say(env.system, incident, alice, 'statuspage open component:checkout status:partial Some card payments fail; we are investigating.');
    expect(opened).toMatchObject({ ok: true, incident });
    expect(opened.text).toBe(`Opened a public incident on the status page for ${incident} (Checkout: Partial outage): Some card payments fail; we are investigating.`);

    const openJson = JSON.parse((await env.get('/status.json')).body) as StatusPageView;
    const live = openJson.openIncidents.find((i) => i.id === incident)!;
    expect(live).toMatchObject({ status: 'open', title: 'Incident affecting Checkout', components: [{ name: 'Checkout', status: 'partial' }], resolvedAt: null });
    // Other test files may hold worse incidents open; this one makes Checkout at least a partial outage.
    expect(['partial', 'major']).toContain(openJson.components.find((c) => c.name === 'Checkout')!.status);

    await say(env.system, incident, carol, 'statuspage update component:Checkout status:degraded A fix is rolling out & errors are falling.');
    const resolved = await say(env.system, incident, alice, 'statuspage resolve Payments work normally again.');
    expect(resolved.text).toMatch(/^Resolved the public incident on the status page/);

    const row = (await readPublicIncident(env.system.database.db, incident))!;
    expect(row).toMatchObject({ status: 'resolved', components: { Checkout: 'operational' } });
    expect(row.resolvedAt).toBeInstanceOf(Date);
    expect(row.updates.map((u) => [u.sequence, u.verb, u.text])).toEqual([
      [3, 'resolve', 'Payments work normally again.'],
      [2, 'update', 'A fix is rolling out & errors are falling.'],
      [1, 'open', 'Some card payments fail; we are investigating.'],
    ]);

    const notes = await env.system.database.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'note')))
      // Without an order Postgres returns rows in whatever order it finds them (CI saw the last first).
      .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
    // The incident also pages payments on its own; those notes are paging's (test/integration/paging.test.ts).
    expect(notes.filter((n) => !('page' in n.details)).map((n) => n.text)).toEqual([
      'Public incident opened (Checkout: Partial outage): Some card payments fail; we are investigating.',
      'Public update (Checkout: Degraded performance): A fix is rolling out & errors are falling.',
      'Public incident resolved: Payments work normally again.',
    ]);
    expect((await getIncidentView(env.system, incident)).publicPage).toEqual({ status: 'resolved', sequence: 3, components: { Checkout: 'operational' } });

    const html = await env.get('/status');
    expect(html.status).toBe(200);
    expect(html.type).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<h1>Acme status</h1>');
    expect(html.body).toContain('A fix is rolling out &amp; errors are falling.');
    expect(html.body).not.toContain('<script');
    // Newest first within the incident.
    const section = html.body.slice(html.body.indexOf(`<article id="${incident}">`));
    expect(section.indexOf('Payments work normally again.')).toBeLessThan(section.indexOf('Some card payments fail'));

    const json = JSON.parse((await env.get('/status.json')).body) as StatusPageView;
    expect(json.openIncidents.some((i) => i.id === incident)).toBe(false);
    const past = json.history.find((i) => i.id === incident)!;
    expect(past.updates.map((u) => u.kind)).toEqual(['resolve', 'update', 'open']);
    expect(Object.keys(json).sort()).toEqual(['components', 'generatedAt', 'history', 'openIncidents', 'status', 'statusText', 'title']);

    const atom = await env.get('/status.atom');
    expect(atom.type).toBe('application/atom+xml; charset=utf-8');
    assertWellFormedXml(atom.body);
    expect(atom.body).toContain(`<id>urn:firebreak:status:${incident}:2</id>`);
    expect(atom.body).toContain('<content type="text">A fix is rolling out &amp; errors are falling.</content>');
    expect(atom.body).toContain(`<link href="https://status.example.test/status#${incident}"/>`);
  });

  it('refuses update before open, a second open, and an unknown component, writing nothing public', async () => {
    const incident = await incidentWithComms(env.system, 'Search is slow');
    expect(await say(env.system, incident, alice, 'statuspage update Still looking.')).toEqual({ ok: false, text: `${incident} has no open public incident; start one with \`statuspage open\`.` });
    expect(await say(env.system, incident, alice, 'statuspage open component:Billing status:major Down')).toEqual({
      ok: false,
      text: 'There is no status page component "Billing"; use one of Checkout, Search.',
    });
    expect(await readPublicIncident(env.system.database.db, incident)).toBeUndefined();
    await say(env.system, incident, alice, 'statuspage open component:Search status:degraded Searches are slow.');
    expect((await say(env.system, incident, alice, 'statuspage open component:Search status:major Worse.')).text).toMatch(/already has an open public incident/);
    expect((await readPublicIncident(env.system.database.db, incident))!.updates).toHaveLength(1);
  });

  it('runs from the CLI with the same grammar, as the person FIREBREAK_USER names', async () => {
    const incident = await incidentWithComms(env.system, 'CLI public update');
    const cli = await runCli(['run', `${incident} statuspage open component:Search status:maintenance Reindexing until 02:00 UTC.`], cliEnv(env.system));
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Opened a public incident on the status page');
    const refused = await runCli(['run', `${incident} statuspage update Bob was here.`], { ...cliEnv(env.system), FIREBREAK_USER: 'bob' });
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain('Only the comms lead or the incident commander may post public status page updates');
    expect((await readPublicIncident(env.system.database.db, incident))!.updates.map((u) => u.text)).toEqual(['Reindexing until 02:00 UTC.']);
  });
});
