// Hostile public text: markup, a CDATA terminator, ampersands, a secret and an e-mail address. What
// customers get is redacted (the incident's redactor, before storing) and escaped for each output:
// HTML on /status, JSON on /status.json, XML on /status.atom. A retried update is written once.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusPageActivities } from '../../activities/statuspage/index.js';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { createRedactor } from '../../domain/redact.js';
import type { StatusPageView } from '../../web/status/data.js';
import { alice, assertWellFormedXml, incidentWithComms, say, startStatusPageEnv, type StatusPageEnv } from '../helpers/statuspage.js';

let env: StatusPageEnv;
beforeAll(async () => {
  env = await startStatusPageEnv();
});
afterAll(async () => {
  await env?.stop();
});

const SECRET = 'acme_live_Q1w2E3r4T5y6U7i8O9p0A1s2';
const HOSTILE = `<script>alert("x")</script> ]]> Fish & Chips <img src=x onerror=alert(1)> mail ops@example.com key ${SECRET}`;

describe('statuspage output', () => {
  it('is redacted before it is stored and escaped on /status, /status.json and /status.atom', async () => {
    const incident = await incidentWithComms(env.system, 'Hostile text');
    const reply = await say(env.system, incident, alice, `statuspage open component:Checkout status:major ${HOSTILE}`);
    expect(reply.ok).toBe(true);
    const stored = (await readPublicIncident(env.system.database.db, incident))!.updates[0]!.text;
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('ops@example.com');
    expect(stored).toMatch(/\[REDACTED:email#\w+\].*\[REDACTED:acme-api-key#\w+\]/);

    const html = (await env.get('/status')).body;
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ]]&gt; Fish &amp; Chips &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain('ops@example.com');

    const json = await env.get('/status.json');
    expect(json.body).not.toContain('<');
    const text = (JSON.parse(json.body) as StatusPageView).openIncidents.find((i) => i.id === incident)!.updates[0]!.text;
    expect(text).toBe(stored);

    const atom = (await env.get('/status.atom')).body;
    assertWellFormedXml(atom);
    expect(atom).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ]]&gt; Fish &amp; Chips');
    expect(atom).not.toContain(']]>');
    expect(atom).not.toContain(SECRET);
    expect(atom).not.toContain('ops@example.com');
  });

  it('writes a retried update (the same update ID) once', async () => {
    const incident = await incidentWithComms(env.system, 'Retried update');
    const requestKey = `retry:${randomUUID()}`;
    const first = await say(env.system, incident, alice, 'statuspage open component:Search status:degraded Searches are slow.', requestKey);
    const again = await say(env.system, incident, alice, 'statuspage open component:Search status:degraded Searches are slow.', requestKey);
    expect(again).toEqual(first);
    expect((await readPublicIncident(env.system.database.db, incident))!.updates).toHaveLength(1);

    // The activity itself, retried after the workflow lost its answer: the same key writes nothing.
    const activities = createStatusPageActivities({ db: env.system.database.db, redactor: createRedactor() });
    const input = { incident, sequence: 1, verb: 'update' as const, title: 'x', components: [], text: 'A different text', at: new Date().toISOString() };
    expect(await activities.publishPublicUpdate(input)).toMatchObject({ applied: false, text: 'Searches are slow.' });
    const row = (await readPublicIncident(env.system.database.db, incident))!;
    expect(row.updates.map((u) => u.text)).toEqual(['Searches are slow.']);
    expect(row.components).toEqual({ Search: 'degraded' });
  });
});
