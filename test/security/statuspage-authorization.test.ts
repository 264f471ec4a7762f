// Who may speak to customers: a guest and a member the policy does not name in
// permissions.publicUpdate are refused by the incident's decision point, the privileged refusal is
// audited, and not one public row is written.

import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublicIncident } from '../../db/queries/statuspage.js';
import { auditLog, timelineEvents } from '../../db/schema/index.js';
import { alice, bob, guest, incidentWithComms, say, startStatusPageEnv, type StatusPageEnv } from '../helpers/statuspage.js';

let env: StatusPageEnv;
beforeAll(async () => {
  env = await startStatusPageEnv();
});
afterAll(async () => {
  await env?.stop();
});

const db = () => env.system.database.db;
const refusals = (incident: string) => db().select().from(auditLog).where(and(eq(auditLog.subject, incident), eq(auditLog.action, 'authz.refused.publicUpdate')));

describe('statuspage refusals', () => {
  it('refuses a guest and leaves no public row', async () => {
    const incident = await incidentWithComms(env.system, 'Guest speaks to customers');
    const reply = await say(env.system, incident, guest, 'statuspage open component:Checkout status:major Everything is down, says a stranger.');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/slack:U0DAVE is not in any team of the policy, so Firebreak does not let them post public status page updates/);
    expect(await readPublicIncident(db(), incident)).toBeUndefined();
    expect(await refusals(incident)).toHaveLength(1);
    const page = await env.get('/status.json');
    expect(page.body).not.toContain('says a stranger');
  });

  it('refuses a member who is neither comms lead nor commander, before and after an open, and leaves no row of theirs', async () => {
    const incident = await incidentWithComms(env.system, 'Member speaks to customers');
    const refused = await say(env.system, incident, bob, 'statuspage open component:Checkout status:major Bob announces an outage.');
    expect(refused).toEqual({ ok: false, text: `Only the comms lead or the incident commander may post public status page updates about ${incident}.` });
    expect(await readPublicIncident(db(), incident)).toBeUndefined();

    await say(env.system, incident, alice, 'statuspage open component:Checkout status:partial Checkout is failing for some.');
    expect((await say(env.system, incident, bob, 'statuspage resolve Bob says it is fine.')).ok).toBe(false);
    const row = (await readPublicIncident(db(), incident))!;
    expect(row.status).toBe('open');
    expect(row.updates.map((u) => u.text)).toEqual(['Checkout is failing for some.']);
    expect(await refusals(incident)).toHaveLength(2);
    const notes = await db().select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'note')));
    expect(notes.map((n) => n.text).join('\n')).not.toContain('Bob');
  });
});
