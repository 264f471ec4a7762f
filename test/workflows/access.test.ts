import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandContext } from '../../bots/commands/dispatch.js';
import { getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { parseCommand } from '../../domain/commands/parse.js';
import type { Actor } from '../../domain/incident.js';
import { verifyAuditChain } from '../../db/audit.js';
import { auditLog } from '../../db/schema/index.js';
import { getGrant } from '../../db/queries/grants.js';
import * as access from '../../workflows/access/messages.js';
import * as msg from '../../workflows/incident/messages.js';
import type { PgCluster } from '../helpers/pg-cluster.js';
import { accessRecorder, alice, bob, carol, credentialsFor, dave, declare, grantState, grantUpdate, refusal, requestAccess, startAccessTarget } from '../helpers/access.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let target: PgCluster;
const recorder = accessRecorder();

beforeAll(async () => {
  target = await startAccessTarget();
  system = await startTestSystem({ accessNotifiers: [recorder], access: { postgresUrl: target.adminUrl } });
});
afterAll(async () => {
  await system?.stop();
  await target?.stop();
});

async function audits(grant: string) {
  return system.database.db.select().from(auditLog).where(eq(auditLog.subject, grant)).orderBy(auditLog.seq);
}

async function statusOf(grant: string) {
  return (await getGrant(system.database.db, grant))?.status;
}

describe('a grant that needs no approval', () => {
  it('is active at once, delivers a token only to the notifier, and expires on its own', async () => {
    const incident = await declare(system);
    const requested = await requestAccess(system, incident, alice, ['read-logs'], 3);
    expect(requested).toMatchObject({ grant: expect.stringMatching(/^GR-\d+$/), status: 'active', approvers: [] });
    const { grant } = requested;
    const token = credentialsFor(recorder.notices, grant, 'token');
    expect(token?.secret?.token).toMatch(/^ey/);
    const state = await grantState(system, grant);
    expect(state.credentials).toEqual([{ provider: 'token', ref: expect.stringMatching(new RegExp(`^${grant}\\.`)) }]);
    expect(Date.parse(state.expiresAt!) - Date.parse(state.activatedAt!)).toBe(3000);

    await eventually(async () => (await statusOf(grant)) === 'expired', 10_000, 'expiry');
    expect((await audits(grant)).map((a) => a.action)).toEqual(['access.request', 'access.activate', 'access.expire']);
    const history = JSON.stringify(await system.client.workflow.getHandle(`grant:${grant}`).fetchHistory());
    expect(history).not.toContain(token!.secret!.token);
    const view = await eventually(async () => {
      const v = await getIncidentView(system, incident);
      return v.grants.find((g) => g.id === grant && g.status === 'expired') ? v : undefined;
    }, 10_000, 'incident sees the expiry');
    expect(view.grants.find((g) => g.id === grant)?.needsTeardown).toBe(false);
    // The notice leaves after the state change, so it may trail the incident's view by a moment.
    await eventually(async () => recorder.notices.some((n) => n.kind === 'ended' && n.grant === grant && n.status === 'expired'), 10_000, 'ended notice');
  });
});

describe('separation of duties', () => {
  it('refuses self-approval and non-members, and starts the clock at approval', async () => {
    const incident = await declare(system);
    const { grant, status, approvers } = await requestAccess(system, incident, alice, ['db-readonly'], 10);
    expect({ status, approvers }).toEqual({ status: 'pending', approvers: ['carol'] });
    expect(await refusal(grantUpdate(system, grant, access.approveUpdate, { actor: alice }))).toBe(`You cannot approve your own access request ${grant}; another approver must.`);
    expect(await refusal(grantUpdate(system, grant, access.approveUpdate, { actor: bob }))).toMatch(/^Only a member of team sre or the incident commander may approve db-readonly/);
    expect(await refusal(grantUpdate(system, grant, access.denyUpdate, { actor: alice }))).toMatch(/cannot deny your own/);
    // Part of the scenario: real time passes between request and approval, so the grant's clock
    // can be seen to start at approval.
    await new Promise((r) => setTimeout(r, 1500));
    const approved = await grantUpdate(system, grant, access.approveUpdate, { actor: carol });
    expect(approved.status).toBe('active');
    expect(Date.parse(approved.activatedAt!) - Date.parse(approved.requestedAt)).toBeGreaterThanOrEqual(1500);
    expect(Date.parse(approved.expiresAt!) - Date.parse(approved.activatedAt!)).toBe(10_000);

    const revoked = await grantUpdate(system, grant, access.revokeUpdate, { actor: alice, reason: 'found it' });
    expect(revoked).toMatchObject({ status: 'revoked', endReason: 'found it' });
    expect(await statusOf(grant)).toBe('revoked');
    const rows = await audits(grant);
    // Each refused approval or denial left an audit row of its own, with who tried and why not.
    expect(rows.map((a) => a.action)).toEqual([
      'access.request',
      'authz.refused.approveAccess',
      'authz.refused.approveAccess',
      'authz.refused.denyAccess',
      'access.approve',
      'access.activate',
      'access.revoke',
    ]);
    expect(rows[2]!).toMatchObject({ actor: { id: bob.id }, details: { reason: expect.stringMatching(/^Only a member of team sre/) } });
    expect(rows[4]!.actor).toMatchObject({ id: carol.id });
    expect(rows[6]!.details).toMatchObject({ reason: 'found it', incident });
  });

  it('lets the commander approve a non-sensitive capability, and a denial ends the request', async () => {
    const incident = await declare(system);
    await runIncidentUpdate(system, incident, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
    const { grant } = await requestAccess(system, incident, alice, ['db-readonly'], 5);
    expect((await grantUpdate(system, grant, access.approveUpdate, { actor: bob })).status).toBe('active');
    await grantUpdate(system, grant, access.revokeUpdate, { actor: bob });

    const second = await requestAccess(system, incident, bob, ['db-readonly'], 5);
    const denied = await grantUpdate(system, second.grant, access.denyUpdate, { actor: carol, reason: 'use a sandbox' });
    expect(denied).toMatchObject({ status: 'denied', endReason: 'use a sandbox' });
    expect((await audits(second.grant)).map((a) => a.action)).toEqual(['access.request', 'access.deny']);
  });

  it('decides with today\'s commander: an ex-commander cannot approve, the new one can', async () => {
    const incident = await declare(system);
    await runIncidentUpdate(system, incident, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: bob });
    const { grant } = await requestAccess(system, incident, alice, ['db-readonly'], 5);
    await runIncidentUpdate(system, incident, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: alice });
    expect(await refusal(grantUpdate(system, grant, access.approveUpdate, { actor: bob }))).toMatch(/^Only a member of team sre or the incident commander may approve db-readonly/);
    expect(await statusOf(grant)).toBe('pending');
    // alice commands now but asked for it herself; carol approves.
    expect(await refusal(grantUpdate(system, grant, access.approveUpdate, { actor: alice }))).toMatch(/cannot approve your own/);
    expect((await grantUpdate(system, grant, access.approveUpdate, { actor: carol })).status).toBe('active');
    await grantUpdate(system, grant, access.revokeUpdate, { actor: alice });
  });

  it('a guest can neither request access nor approve it, and leaves no grant behind', async () => {
    const incident = await declare(system);
    expect(await refusal(requestAccess(system, incident, dave, ['read-logs'], 5))).toMatch(/^slack:U0DAVE is not in any team of the policy/);
    const { grant } = await requestAccess(system, incident, alice, ['db-readonly'], 5);
    expect(await refusal(grantUpdate(system, grant, access.approveUpdate, { actor: dave }))).toMatch(/^slack:U0DAVE is not in any team of the policy/);
    expect(await statusOf(grant)).toBe('pending');
    const view = await getIncidentView(system, incident);
    expect(view.grants.map((g) => g.id)).toEqual([grant]);
    await grantUpdate(system, grant, access.denyUpdate, { actor: carol });
  });

  it('needs a quorum of two distinct approvers for read-pii, and resolving the incident revokes every grant', async () => {
    const incident = await declare(system);
    const pii = await requestAccess(system, incident, alice, ['read-pii'], 20);
    const logs = await requestAccess(system, incident, alice, ['read-logs'], 60);
    expect((await grantUpdate(system, pii.grant, access.approveUpdate, { actor: carol })).status).toBe('pending');
    expect(await refusal(grantUpdate(system, pii.grant, access.approveUpdate, { actor: carol }))).toMatch(/already approved/);
    const active = await grantUpdate(system, pii.grant, access.approveUpdate, { actor: bob });
    expect(active).toMatchObject({ status: 'active', approvals: [{ actor: carol }, { actor: bob }] });

    await runIncidentUpdate(system, incident, msg.resolveUpdate, { actor: carol, text: 'fixed' });
    for (const grant of [pii.grant, logs.grant]) {
      await eventually(async () => (await statusOf(grant)) === 'revoked', 15_000, `${grant} revoked on resolve`);
      expect((await audits(grant)).at(-1)).toMatchObject({ action: 'access.revoke', actor: { source: 'system' } });
    }
    expect(await refusal(requestAccess(system, incident, alice, ['read-logs'], 5))).toMatch(/is resolved; access is granted only while an incident is active/);
  });
});

describe('policy limits', () => {
  it('refuses requests the policy does not allow', async () => {
    const incident = await declare(system);
    expect(await refusal(requestAccess(system, incident, alice, ['db-readonly'], 31))).toBe('db-readonly may be granted for at most 30s; ask for that or less.');
    expect(await refusal(requestAccess(system, incident, alice, ['read-everything'], 5))).toMatch(/^There is no capability "read-everything"/);
    expect(await refusal(requestAccess(system, incident, alice, ['read-logs'], 5, '  '))).toMatch(/needs a reason/);
  });

  it('extends within the maximum and refuses an extension beyond it', async () => {
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['read-logs'], 30);
    expect(await refusal(grantUpdate(system, grant, access.extendUpdate, { actor: alice, seconds: 40 }))).toBe(`${grant} may last at most 1m in total; extend by 30s or less.`);
    expect(await refusal(grantUpdate(system, grant, access.extendUpdate, { actor: carol, seconds: 10 }))).toMatch(/Only the requester \(alice\) or the incident commander may extend/);
    const before = await grantState(system, grant);
    const extended = await grantUpdate(system, grant, access.extendUpdate, { actor: alice, seconds: 20 });
    expect(Date.parse(extended.expiresAt!) - Date.parse(before.expiresAt!)).toBe(20_000);
    expect(extended.credentials[0]!.ref).not.toBe(before.credentials[0]!.ref);
    expect((await audits(grant)).map((a) => a.action)).toEqual(['access.request', 'access.activate', 'authz.refused.extendAccess', 'access.extend']);
    await grantUpdate(system, grant, access.revokeUpdate, { actor: alice });
  });
});

describe('pending requests', () => {
  it('escalate to the next approver group, then time out', async () => {
    const incident = await declare(system);
    const { grant, approvers } = await requestAccess(system, incident, alice, ['read-pii'], 10);
    expect(approvers).toEqual(['carol']);
    const escalated = await eventually(
      async () => recorder.notices.find((n) => n.kind === 'approval_requested' && n.grant === grant && n.escalation === 1),
      12_000,
      'escalation',
    );
    expect(escalated).toMatchObject({ approvers: ['bob'] });
    await eventually(async () => (await statusOf(grant)) === 'timed_out', 20_000, 'timeout');
    const rows = await audits(grant);
    expect(rows.map((a) => a.action)).toEqual(['access.request', 'access.escalate', 'access.timeout']);
    expect(rows[2]!.at.getTime() - rows[0]!.at.getTime()).toBeGreaterThanOrEqual(15_000);
    expect(await verifyAuditChain(system.database.db)).toMatchObject({ ok: true });
  });
});

describe('access commands', () => {
  async function run(text: string, actor: Actor, incident?: string) {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const ctx: CommandContext = { client: system.client, taskQueue: system.taskQueue, actor, source: 'slack', incident, idempotencyKey: `test:${Math.random()}` };
    return runCommand(ctx, parsed.command);
  }

  it('request through the incident, decide on the grant and refuse in one sentence', async () => {
    const incident = await declare(system);
    const requested = await run('access db-readonly 20s checking 502s on /pay', alice, incident);
    const grant = /^(GR-\d+) is waiting for approval: db-readonly for 20s; asked carol\.$/.exec(requested.text)?.[1];
    expect(grant, requested.text).toBeDefined();
    expect(await run(`access approve ${grant}`, alice, incident)).toEqual({ ok: false, text: `You cannot approve your own access request ${grant}; another approver must.` });
    expect((await run(`access approve ${grant}`, carol, incident)).text).toMatch(new RegExp(`^${grant} \\(db-readonly\\) is active until `));
    expect((await run(`access revoke ${grant} done`, alice, incident)).text).toBe(`${grant} (db-readonly) is revoked: done.`);
    expect(await run('access revoke GR-999999', alice, incident)).toEqual({ ok: false, text: 'GR-999999 does not exist; the incident\'s status lists its grants.' });
    expect((await run('access read-logs 5s why', alice)).ok).toBe(false);
  });
});
