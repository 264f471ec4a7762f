// Sandboxes as the incident drives them: real Temporal, real activities on the run's database,
// and two real password-auth clusters (source with PII, sandbox server). Only the DM channel is a
// recorder. TTLs are seconds long so expiry and warnings happen within the test.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxActivities, createRecordingSandboxNotifier } from '../../activities/sandbox/index.js';
import { runCommand, type CommandContext } from '../../bots/commands/dispatch.js';
import { getIncidentView, incidentHandle } from '../../bots/workflow-client.js';
import { getSandbox } from '../../db/queries/sandboxes.js';
import { parseCommand } from '../../domain/commands/parse.js';
import { sandboxWorkflowId } from '../../domain/ids.js';
import { createRedactor } from '../../domain/redact.js';
import * as msg from '../../workflows/incident/messages.js';
import * as sbx from '../../workflows/sandbox/messages.js';
import { alice, bob, carol, dave, declare } from '../helpers/access.js';
import { query, sandboxPolicy, startSandboxClusters, type SandboxClusters } from '../helpers/sandbox-clusters.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';
import { inject } from 'vitest';

let system: TestSystem;
let clusters: SandboxClusters;
let db: DatabaseHandle;
const notifier = createRecordingSandboxNotifier();

beforeAll(async () => {
  clusters = await startSandboxClusters();
  const policy = sandboxPolicy();
  db = connectDatabase(inject('databaseUrl'));
  const activities = createSandboxActivities({
    db: db.db,
    policy: () => policy,
    redactor: createRedactor(),
    notifiers: [notifier],
    settings: { adminUrl: clusters.sandbox.adminUrl, secret: 'workflow-test-secret', env: { SBX_TEST_SOURCE_URL: clusters.sourceUrl } },
  });
  system = await startTestSystem({ policy, activities });
});
afterAll(async () => {
  await system?.stop();
  await db?.close();
  await clusters?.stop();
});

async function run(incident: string, text: string, actor = alice) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const ctx: CommandContext = { client: system.client, taskQueue: system.taskQueue, actor, source: 'slack', incident, idempotencyKey: `test:${randomUUID()}` };
  return runCommand(ctx, parsed.command);
}
const sandboxState = (sandbox: string) => system.client.workflow.getHandle(sandboxWorkflowId(sandbox)).query(sbx.stateQuery);
const exists = async (sandbox: string) => {
  const name = `sandbox_${sandbox.toLowerCase().replace('-', '_')}`;
  const [dbs, roles] = await Promise.all([
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [name]),
  ]);
  return { database: dbs.length > 0, role: roles.length > 0 };
};

async function create(incident: string, text: string): Promise<string> {
  const reply = await run(incident, text);
  expect(reply).toMatchObject({ ok: true, text: expect.stringMatching(/^SBX-\d+ is being built from primary/) });
  const sandbox = /^(SBX-\d+)/.exec(reply.text)![1]!;
  await eventually(async () => (await sandboxState(sandbox)).status === 'ready', 30_000, `${sandbox} ready`);
  return sandbox;
}

describe('a sandbox in an incident', () => {
  it('is built with provenance, delivers credentials by DM only, and is destroyed on request', async () => {
    const incident = await declare(system);
    const sandbox = await create(incident, 'sandbox create seed:42 ttl:30s release:v1.2.3');
    const view = await sandboxState(sandbox);
    expect(view.provenance).toMatchObject({ seed: 42, release: { ref: 'v1.2.3' }, requester: 'alice', ttlSeconds: 30, source: { name: 'primary', database: 'app' } });
    expect(view.provenance!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(view.provenance!.rowCounts['public.events']).toBe(60_000);
    const row = await getSandbox(db.db, sandbox);
    expect(row).toMatchObject({ status: 'ready', seed: 42, contentHash: view.provenance!.contentHash, incidentKey: incident });

    // Deliveries are activities of their own; they may trail the ready state by a moment.
    const creds = await eventually(async () => notifier.notices.find((n) => n.kind === 'credentials' && n.sandbox === sandbox), 15_000, 'credentials');
    expect(creds?.kind === 'credentials' && creds.requester).toEqual(alice);
    const url = creds?.kind === 'credentials' ? creds.url : '';
    const rows = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM customers');
    expect(Number(rows[0]!.n)).toBe(view.provenance!.rowCounts['public.customers']);
    const password = new URL(url).password;
    const history = JSON.stringify(await system.client.workflow.getHandle(sandboxWorkflowId(sandbox)).fetchHistory());
    expect(history).not.toContain(password);
    const playbook = await eventually(async () => notifier.notices.find((n) => n.kind === 'playbook' && n.sandbox === sandbox), 15_000, 'playbook');
    expect(playbook?.kind === 'playbook' && playbook.markdown).toMatch(new RegExp(`sandbox recreate ${sandbox}[\\s\\S]*Content hash`, 'i'));
    expect(JSON.stringify(playbook)).not.toContain(password);

    const incidentView = await getIncidentView(system, incident);
    expect(incidentView.sandboxes).toEqual([expect.objectContaining({ id: sandbox, status: 'ready', needsTeardown: true })]);

    const destroyed = await run(incident, `sandbox destroy ${sandbox}`);
    expect(destroyed).toMatchObject({ ok: true, text: `${sandbox} is destroyed.` });
    expect(await exists(sandbox)).toEqual({ database: false, role: false });
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
    await eventually(async () => (await getIncidentView(system, incident)).sandboxes.find((s) => s.id === sandbox && s.status === 'destroyed' && !s.needsTeardown), 10_000, 'incident sees destroyed');
  });

  it('warns, then expires on its own clock; extension is bounded by the maximum TTL', async () => {
    const incident = await declare(system);
    const sandbox = await create(incident, 'sandbox create ttl:8s');
    expect(await run(incident, `sandbox extend ${sandbox} 2m`)).toMatchObject({ ok: false, text: expect.stringMatching(/may live at most 1m/) });
    expect(await run(incident, `sandbox extend ${sandbox} 4s`)).toMatchObject({ ok: true, text: expect.stringMatching(new RegExp(`^${sandbox} is ready until`)) });
    const role = await query<{ rolvaliduntil: Date }>(clusters.sandbox.adminUrl, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [`sandbox_${sandbox.toLowerCase().replace('-', '_')}`]);
    expect(role[0]!.rolvaliduntil.toISOString()).toBe((await sandboxState(sandbox)).expiresAt);
    await eventually(async () => (await sandboxState(sandbox)).status === 'destroyed', 30_000, 'expiry');
    const view = await sandboxState(sandbox);
    expect(view.warnedAt).toBe(view.expiresAt);
    expect(view.endReason).toMatch(/reached its expiry/);
    expect(await exists(sandbox)).toEqual({ database: false, role: false });
  });

  it('is torn down when the incident resolves, and survives the incident being terminated', async () => {
    const incident = await declare(system);
    const kept = await create(incident, 'sandbox create ttl:60s');
    await incidentHandle(system, incident).terminate('test: parent gone');
    expect((await sandboxState(kept)).status).toBe('ready');
    expect(await exists(kept)).toEqual({ database: true, role: true });
    await system.client.workflow.getHandle(sandboxWorkflowId(kept)).executeUpdate(sbx.destroySandboxUpdate, { args: [{ actor: alice }] });

    const other = await declare(system);
    const sandbox = await create(other, 'sandbox create');
    await incidentHandle(system, other).executeUpdate(msg.resolveUpdate, { args: [{ actor: carol, text: 'fixed' }] });
    await eventually(async () => (await sandboxState(sandbox)).status === 'destroyed', 20_000, 'teardown on resolve');
    expect((await sandboxState(sandbox)).endReason).toMatch(new RegExp(`${other} resolved`));
    expect(await exists(sandbox)).toEqual({ database: false, role: false });
  });

  it("refuses to extend or destroy someone else's sandbox; the incident's commander of today may", async () => {
    const incident = await declare(system);
    const sandbox = await create(incident, 'sandbox create seed:5 ttl:40s');
    expect(await run(incident, `sandbox destroy ${sandbox}`, bob)).toMatchObject({ ok: false, text: expect.stringMatching(/^Only the requester \(alice\), the incident commander or someone permissions\.manageSandboxes names may destroy SBX-/) });
    expect(await run(incident, `sandbox extend ${sandbox} 5s`, bob)).toMatchObject({ ok: false, text: expect.stringMatching(/may extend/) });
    expect(await run(incident, `sandbox destroy ${sandbox}`, dave)).toMatchObject({ ok: false, text: expect.stringMatching(/not in any team of the policy/) });
    expect((await sandboxState(sandbox)).status).toBe('ready');
    expect(await exists(sandbox)).toEqual({ database: true, role: true });
    // bob becomes commander: the sandbox hears of it and now lets him.
    await run(incident, 'role commander @bob');
    expect(await run(incident, `sandbox destroy ${sandbox}`, bob)).toMatchObject({ ok: true });
    await eventually(async () => (await sandboxState(sandbox)).status === 'destroyed', 30_000, 'destroyed');
  });

  it('recreates a sandbox from its record with the same content', async () => {
    const incident = await declare(system);
    const first = await create(incident, 'sandbox create seed:7');
    const again = await create(incident, `sandbox recreate ${first}`);
    const [a, b] = [await sandboxState(first), await sandboxState(again)];
    expect(b.seed).toBe(7);
    expect(b.matchesOriginal).toBe(true);
    expect(b.provenance).toMatchObject({ recreatedFrom: first, contentHash: a.provenance!.contentHash });
    for (const s of [first, again]) await run(incident, `sandbox destroy ${s}`);
  });
});
