import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import { incidents } from '../../db/schema/index.js';
import { cliEnv, runCli } from '../helpers/run-cli.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';
import { inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let system: TestSystem;
let env: Record<string, string>;
beforeAll(async () => {
  system = await startTestSystem();
  env = cliEnv(system);
});
afterAll(async () => {
  await system?.stop();
});

describe('the firebreak CLI', () => {
  it('declares, shows and drives an incident, and lists it', async () => {
    const declared = await runCli(['declare', 'Checkout', '502s', '--sev', '2', '--service', 'payments'], env);
    expect(declared.stderr).toBe('');
    expect(declared.code).toBe(0);
    const key = /^(INC-\d+) declared$/m.exec(declared.stdout)?.[1];
    expect(key).toBeDefined();
    expect(declared.stdout).toContain(`${key}  SEV2  triage  Checkout 502s`);

    const status = await runCli(['status', key!], env);
    expect(status.stdout).toMatch(/services: payments {3}declared \d+s ago by alice via cli/);

    expect((await runCli(['run', `${key} role commander @alice`], env)).stdout).toContain(`${key}  SEV2  mitigating`);
    expect((await runCli(['run', 'sev 1 spreading to EU', '--incident', key!], env)).stdout).toContain('Severity SEV2 → SEV1: spreading to EU');
    const resolved = await runCli(['run', `${key} resolve rolled back`], env);
    expect(resolved.code).toBe(0);
    expect((await getIncidentView(system, key!)).phase).toBe('resolved');

    const listed = await eventually(async () => {
      const out = await runCli(['list', 'all', '--sev', '1', '--json'], env);
      const reply = JSON.parse(out.stdout) as { incidents: Array<{ key: string; phase: string }> };
      // Resolved, or already in its postmortem when a loaded machine let the reopen window pass.
      return reply.incidents.find((i) => i.key === key && ['resolved', 'postmortem'].includes(i.phase));
      // Each try spawns the CLI (over a second on a quiet machine, far more on a loaded one).
    }, 30_000, 'incident in list');
    expect(listed).toMatchObject({ key });
    const [row] = await system.database.db.select().from(incidents).where(eq(incidents.key, key!));
    expect(row).toMatchObject({ source: 'cli', severity: 'SEV1', resolvedAt: expect.any(Date) });
    expect(['resolved', 'postmortem']).toContain(row!.phase);
  });

  it('adds action items to the postmortem, lists overdue ones from Postgres and marks them done', async () => {
    const withDb = { ...env, DATABASE_URL: inject('databaseUrl'), FIREBREAK_CONFIG: fileURLToPath(new URL('../fixtures/policy.yaml', import.meta.url)) };
    const key = /^(INC-\d+) declared$/m.exec((await runCli(['declare', 'Refunds', 'stuck', '--sev', '2', '--service', 'payments'], env)).stdout)?.[1];
    await runCli(['run', `${key} role commander @alice`], env);
    expect((await runCli(['run', `${key} resolve drained the queue`], env)).code).toBe(0);
    // The SEV2 postmortem is drafted on resolve, owned by the commander.
    const shown = await eventually(async () => {
      const out = await runCli(['run', `${key} postmortem`], env);
      return out.code === 0 ? out.stdout : undefined;
    }, 20_000, 'the postmortem draft');
    expect(shown).toContain(`Postmortem of ${key}: draft, owner alice`);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const added = await runCli(['run', `${key} action add reconcile refunds owner:@bob due:${yesterday} priority:P1`], env);
    expect(added.code).toBe(0);
    const item = /(ACT-\d+) added: reconcile refunds — owner bob/.exec(added.stdout)?.[1];
    expect(item).toBeDefined();

    const overdue = await runCli(['run', 'actions overdue'], withDb);
    expect(overdue.stdout).toContain(`${item} (${key}) reconcile refunds — bob, due ${yesterday} — OVERDUE, P1`);
    // Without a database (production has no development default) the listing is refused.
    expect((await runCli(['run', 'actions'], { ...env, NODE_ENV: 'production' })).stderr).toContain('Action items are listed from Slack, GitHub or the dashboard');
    expect((await runCli(['run', `action done ${item}`], withDb)).stdout).toContain(`${item} is done, owned by bob`);
    expect((await runCli(['run', `actions owner:@bob`], withDb)).stdout).not.toContain(`${item} (`);
  });

  it('keeps one incident for a repeated idempotency key', async () => {
    const args = ['declare', 'Search is slow', '--sev', '3', '--service', 'search', '--idempotency-key', `cli-test-${Date.now()}`, '--json'];
    const first = JSON.parse((await runCli(args, env)).stdout) as { incident: string };
    const second = JSON.parse((await runCli(args, env)).stdout) as { incident: string; text: string };
    expect(second.incident).toBe(first.incident);
    expect(second.text).toBe(`${first.incident} was already declared`);
  });

  it('answers bad input with one line and a non-zero exit, starting nothing', async () => {
    expect(await runCli(['declare', 'Oops', '--sev', '7'], env)).toMatchObject({ code: 1, stderr: '--sev must be 1 to 4, not "7".\n' });
    expect(await runCli(['status', 'INC-999999'], env)).toMatchObject({ code: 1, stderr: 'INC-999999 does not exist; `list` shows the open incidents.\n' });
    expect(await runCli(['declare', 'Oops', '--service', 'nope'], env)).toMatchObject({
      code: 1,
      stderr: 'Unknown service "nope"; known services: payments, search.\n',
    });
    const usage = await runCli(['run', 'sev'], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^`sev` needs a level from 1 to 4/);
    const unreachable = await runCli(['status', 'INC-1'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^Cannot reach Temporal at 127\.0\.0\.1:1 .*is `npm start` running\?\n$/);
  });

  it('prints its version and completion scripts without reaching Temporal', async () => {
    const unreachable = { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    expect(await runCli(['--version'], unreachable)).toEqual({ code: 0, stdout: `firebreak ${PACKAGE_VERSION}\n`, stderr: '' });
    expect((await runCli(['-V'], unreachable)).stdout).toBe(`firebreak ${PACKAGE_VERSION}\n`);
    const bash = await runCli(['completion', 'bash'], unreachable);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _firebreak firebreak');
    expect((await runCli(['completion', 'fish'], unreachable)).stdout).toContain('complete -c firebreak');
    expect((await runCli(['completion', 'zsh'], unreachable)).stdout).toMatch(/^#compdef firebreak\n/);
    expect(await runCli(['completion', 'tcsh'], unreachable)).toEqual({ code: 1, stdout: '', stderr: 'Name the shell: firebreak completion bash|zsh|fish.\n' });
  });

  it('keeps the --description of a declaration', async () => {
    const declared = await runCli(['declare', 'Ledger', 'drift', '--sev', '3', '--service', 'payments', '--description', 'Balances differ by a few cents since 09:00.'], env);
    expect(declared.code).toBe(0);
    const key = /^(INC-\d+) declared$/m.exec(declared.stdout)?.[1];
    const row = await eventually(async () => (await system.database.db.select().from(incidents).where(eq(incidents.key, key!)))[0], 20_000, 'the incident row');
    expect(row.description).toBe('Balances differ by a few cents since 09:00.');
  });

  it('lists titles, one line each, with nothing a terminal would act on', async () => {
    const declared = await runCli(['declare', 'Refund \u001b[2J\u001b]0;owned\u0007queue \u202estuck', '--sev', '4', '--service', 'search', '--json'], env);
    const key = (JSON.parse(declared.stdout) as { incident: string }).incident;
    const line = await eventually(async () => {
      const out = await runCli(['list', 'open', '--service', 'search'], env);
      return out.stdout.split('\n').find((l) => l.startsWith(`${key} `));
    }, 30_000, 'the incident in the listing');
    expect(line).toMatch(new RegExp(`^${key} +SEV4 +\\w+ +search +`));
    // The escape character went at the door (text-input.ts); the bidi override goes on the way out.
    expect(line!.endsWith(' Refund [2J]0;ownedqueue stuck')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('finds the policy file from a folder inside the project, without FIREBREAK_CONFIG', async () => {
    const project = mkdtempSync(join(tmpdir(), 'firebreak-project-'));
    mkdirSync(join(project, '.git'));
    mkdirSync(join(project, 'services', 'payments'), { recursive: true });
    copyFileSync(fileURLToPath(new URL('../fixtures/policy.yaml', import.meta.url)), join(project, 'firebreak.config.yaml'));
    const withDb = { ...env, DATABASE_URL: inject('databaseUrl'), FIREBREAK_CONFIG: '' };
    const listed = await runCli(['run', 'actions', 'overdue'], withDb, { cwd: join(project, 'services', 'payments') });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    // FIREBREAK_CONFIG still wins, and a wrong one is named.
    const wrong = await runCli(['run', 'actions', 'overdue'], { ...withDb, FIREBREAK_CONFIG: 'nowhere.yaml' }, { cwd: project });
    expect(wrong).toMatchObject({ code: 1, stderr: `No policy file at ${join(project, 'nowhere.yaml')}; set FIREBREAK_CONFIG to its path.\n` });
  });

  it('redacts what it prints', async () => {
    const out = await runCli(['declare', 'Card 4111 1111 1111 1111 charged twice for bob@example.com', '--sev', '3'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('4111 1111 1111 1111');
    expect(out.stdout).not.toContain('bob@example.com');
    expect(out.stdout).toMatch(/\[REDACTED:card#[0-9a-f]{8}\]/);
  });
});
